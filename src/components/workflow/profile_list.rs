//! The project's profiles: pick one to edit, rename, remove, and choose the two stages.

use leptos::prelude::*;
use shotline_model::project::{ProfileId, StageProfiles};

use crate::project::use_project_data;
use crate::workflows::{Stage, WorkflowError, use_workflows};

#[component]
pub fn ProfileList(
    selected: Memo<Option<ProfileId>>,
    chosen: RwSignal<Option<ProfileId>>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let data = use_project_data();
    let profiles = Memo::new(move |_| {
        data.with_project(|project| {
            let rows: Vec<(ProfileId, String)> = project
                .profiles
                .iter()
                .map(|profile| (profile.id.clone(), profile.name.clone()))
                .collect();
            (rows, project.stages.clone())
        })
        .unwrap_or_default()
    });
    view! {
        {move || profiles.with(|(rows, _)| rows.is_empty()).then(|| view! {
            <p class="hint">
                "No workflow yet. Import one: a bundled one runs anywhere, even on the simulator."
            </p>
        })}
        <ul class="profile-list" aria-label="Workflows of this project">
            {move || {
                let (rows, stages) = profiles.get();
                rows.into_iter()
                    .map(|(id, name)| {
                        view! { <ProfileRow id name stages=stages.clone() selected chosen message /> }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

#[component]
fn ProfileRow(
    id: ProfileId,
    name: String,
    stages: StageProfiles,
    selected: Memo<Option<ProfileId>>,
    chosen: RwSignal<Option<ProfileId>>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let workflows = use_workflows();
    let report = move |result: Result<(), WorkflowError>| {
        message.set(result.err().map(|error| error.to_string()));
    };
    let is_selected = Memo::new({
        let id = id.clone();
        move |_| selected.get().as_ref() == Some(&id)
    });
    let stage_button = |stage: Stage, label: &'static str, current: Option<ProfileId>| {
        let used = current.as_ref() == Some(&id);
        let id = id.clone();
        let toggle = move |_| report(workflows.set_stage_profile(stage, (!used).then(|| id.clone())));
        view! {
            <button type="button" class="quiet" aria-pressed=used.to_string() on:click=toggle>{label}</button>
        }
    };
    let rename = {
        let id = id.clone();
        move |event| report(workflows.rename_profile(&id, &event_target_value(&event)))
    };
    let remove = {
        let id = id.clone();
        move |_| report(workflows.remove_profile(&id))
    };
    let select = {
        let id = id.clone();
        move |_| chosen.set(Some(id.clone()))
    };
    view! {
        <li class="profile-row" class:selected=is_selected>
            <input type="text" class="profile-name" prop:value=name.clone()
                aria-label=format!("Name of workflow {name}") on:change=rename />
            <div class="profile-actions">
                <button type="button" class="quiet" on:click=select
                    aria-pressed=move || is_selected.get().to_string()>
                    "Edit mapping"
                </button>
                {stage_button(Stage::Shot, "Use for shots", stages.shot.clone())}
                {stage_button(Stage::Keyframe, "Use for keyframes", stages.keyframe.clone())}
                <button type="button" class="quiet danger" on:click=remove>"Remove"</button>
            </div>
        </li>
    }
}
