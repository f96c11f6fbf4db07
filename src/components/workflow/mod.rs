//! The workflow panel: import, the project's profiles and their stages, the mapping of
//! the selected profile, its preflight on the current server, and the prompt preview of
//! the selected shot. Every string from a server or a file is shown as text, never HTML.

mod import;
mod mapping;
mod preflight;
mod preview;
mod profile_list;

use leptos::prelude::*;
use shotline_model::project::ProfileId;

use crate::project::use_project_data;
use import::ImportForm;
use mapping::MappingTable;
use preflight::PreflightResults;
use preview::PromptPreview;
use profile_list::ProfileList;

#[component]
pub fn WorkflowPanel() -> impl IntoView {
    let data = use_project_data();
    let chosen = RwSignal::new(None::<ProfileId>);
    // The profile the user picked while it exists, else the shot workflow, else the first.
    let selected = Memo::new(move |_| {
        data.with_project(|project| {
            let exists = |id: &ProfileId| project.profiles.iter().any(|p| &p.id == id);
            chosen
                .get()
                .filter(exists)
                .or_else(|| project.stages.shot.clone().filter(exists))
                .or_else(|| project.profiles.first().map(|p| p.id.clone()))
        })
        .flatten()
    });
    let message = RwSignal::new(None::<String>);
    view! {
        <section class="workflow-panel" aria-labelledby="workflow-heading">
            <h2 id="workflow-heading">"Workflow"</h2>
            <ImportForm chosen message />
            <p class="workflow-message" role="alert">{move || message.get()}</p>
            <ProfileList selected chosen message />
            {move || selected.get().map(|profile| view! {
                <MappingTable profile=profile.clone() message />
                <PreflightResults profile />
            })}
            <PromptPreview />
        </section>
    }
}
