//! The draft before it is accepted: scenes with their shots, what was mended, a rewrite
//! button per scene and per shot, Accept (one undoable step) and Discard.

use leptos::prelude::*;
use shotline_draft::{Draft, accept_draft};
use shotline_model::project::Enhancer;

use super::DraftState;
use super::run::{self, Job};
use crate::project::ProjectData;

#[component]
pub fn DraftPreview(state: DraftState, data: ProjectData) -> impl IntoView {
    let accept = move |_| {
        let Some((_, draft, _)) = state.draft.get_untracked() else {
            return;
        };
        let Some(project) = data.with_project_untracked() else {
            state
                .problem
                .set(Some("No project is open to add the draft to.".to_owned()));
            return;
        };
        let mut fresh_id = || uuid::Uuid::new_v4().to_string();
        let action = accept_draft(&project, &draft, &mut fresh_id);
        match data.apply(action) {
            Ok(()) => {
                state.draft.set(None);
                state.warnings.set(Vec::new());
                state.status.set(Some(format!(
                    "Added {} scenes and {} shots to the storyboard. Undo (Ctrl+Z) takes them out again.",
                    draft.scenes.len(),
                    draft.shot_count()
                )));
            }
            Err(problem) => state
                .problem
                .set(Some(format!("The draft was not added: {problem}"))),
        }
    };
    let discard = move |_| {
        state.draft.set(None);
        state.warnings.set(Vec::new());
        state
            .status
            .set(Some("Draft discarded. The project is unchanged.".to_owned()));
    };
    let busy = move || state.writing.with(Option::is_some);
    view! {
        {move || state.draft.get().map(|(_, draft, _)| view! {
            <section class="draft-preview" aria-label="Draft preview">
                <h3>{draft.title.clone()}</h3>
                <ul class="draft-warnings">
                    {move || state.warnings.get().into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}
                </ul>
                <ol class="draft-scenes">
                    {scenes(state, draft.clone(), busy)}
                </ol>
                <div class="draft-buttons">
                    <button type="button" class="primary" on:click=accept disabled=busy>"Accept draft"</button>
                    <button type="button" on:click=discard disabled=busy>"Discard"</button>
                </div>
            </section>
        })}
    }
}

fn scenes(
    state: DraftState,
    draft: Draft,
    busy: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    draft
        .scenes
        .into_iter()
        .enumerate()
        .map(|(index, scene)| {
            let shots = scene
                .shots
                .into_iter()
                .enumerate()
                .map(|(shot_index, shot)| {
                    let tags: Vec<String> = Enhancer::ALL
                        .into_iter()
                        .filter_map(|enhancer| shot.enhancers.get(enhancer).map(str::to_owned))
                        .collect();
                    let rewrite = move |_| {
                        run::start(state, Job::Shot { scene: index, shot: shot_index }, true);
                    };
                    view! {
                        <li class="draft-shot">
                            <p>{shot.prompt}</p>
                            {(!tags.is_empty()).then(|| view! { <p class="draft-tags">{tags.join(" · ")}</p> })}
                            <button type="button" class="quiet" on:click=rewrite disabled=busy
                                aria-label=format!("Regenerate shot {} of scene {}", shot_index + 1, index + 1)>
                                "Regenerate shot"
                            </button>
                        </li>
                    }
                })
                .collect_view();
            let rewrite = move |_| run::start(state, Job::Scene { index }, true);
            view! {
                <li class="draft-scene">
                    <h4>{scene.title}</h4>
                    <p class="draft-summary">{scene.summary}</p>
                    <ol class="draft-shots">{shots}</ol>
                    <button type="button" class="quiet" on:click=rewrite disabled=busy
                        aria-label=format!("Regenerate scene {}", index + 1)>
                        "Regenerate scene"
                    </button>
                </li>
            }
        })
        .collect_view()
}
