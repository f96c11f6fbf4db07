//! The shell: title, server bar, workspace; installs the context handles once the
//! database is open (or known to be unavailable: then everything runs in memory).

use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::components::clock::provide_clock;
use crate::components::draft::DraftPanel;
use crate::components::header::AppHeader;
use crate::components::projects::{ProjectNotices, ProjectsPanel};
use crate::components::server_bar::ServerBar;
use crate::components::servers::ServersPanel;
use crate::components::storyboard::Storyboard;
use crate::components::welcome::Welcome;
use crate::components::workflow::WorkflowPanel;
use crate::generation::queue::provide_render_queue;
use crate::generation::{provide_generation_in_tab, provide_pool};
use crate::project::provide_project_data;
use crate::servers::provide_servers;
use crate::storage::{DB_NAME, Storage, StorageError, settings};
use crate::tabs::TabIdentity;
use crate::workflows::provide_workflows;

#[component]
pub fn App() -> impl IntoView {
    provide_servers();
    let opened = RwSignal::new(None::<Result<Storage, StorageError>>);
    let tab = StoredValue::new_local(None::<TabIdentity>);
    spawn_local(async move {
        // Which clientId is this tab's is settled before any socket opens with it.
        tab.set_value(Some(TabIdentity::claim().await));
        opened.set(Some(Storage::open(DB_NAME).await));
    });
    view! {
        <div class="shell">
            {move || match opened.get() {
                Some(storage) => {
                    let tab = tab
                        .try_update_value(Option::take)
                        .flatten()
                        .unwrap_or_else(|| TabIdentity::unlocked(settings::client_id()));
                    view! { <Workspace storage tab /> }.into_any()
                }
                None => view! {
                    <header class="app-header"><h1>"Shotline"</h1></header>
                    <p class="loading">"Opening your storyboards…"</p>
                }
                .into_any(),
            }}
        </div>
    }
}

#[component]
fn Workspace(storage: Result<Storage, StorageError>, tab: TabIdentity) -> impl IntoView {
    let problem = storage.as_ref().err().cloned();
    let data = provide_project_data(storage.clone());
    let generation = provide_generation_in_tab(storage.clone().ok(), tab);
    // The workflows hook reads media (keyframes) and settings through the open database.
    if let Ok(storage) = &storage {
        provide_context(*storage);
    }
    let workflows = provide_workflows();
    provide_pool(data, generation, workflows);
    provide_render_queue();
    provide_clock();
    // Takes of earlier visits come back with the project that owns them.
    Effect::new(move |_| {
        if let Some(project_id) = data.with_project(|project| project.id.clone()) {
            generation.load_project(project_id.as_str());
        }
    });
    view! {
        <AppHeader />
        {problem.map(|problem| view! {
            <p class="banner banner-warn" role="alert">
                "Your work is not being saved in this browser: " {problem.to_string()}
                " Export the project before closing this tab."
            </p>
        })}
        <ProjectNotices />
        <ServerBar />
        <div class="workspace">
            <main class="board-column">
                <Show when=move || data.with_project(|project| project.profiles.is_empty()).unwrap_or(true)>
                    <Welcome />
                </Show>
                <Storyboard />
            </main>
            <aside class="side-column" aria-label="Projects, servers, story draft and workflow">
                <ProjectsPanel />
                <ServersPanel />
                <DraftPanel />
                <WorkflowPanel />
            </aside>
        </div>
    }
}
