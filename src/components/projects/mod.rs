//! The project list: open, create, rename, duplicate, delete (undoable for 10 s), export
//! and import, and how much of the browser's storage the projects use.

mod files;
mod notices;
mod usage;

pub use notices::ProjectNotices;

use leptos::prelude::*;
use shotline_model::project::ProjectId;
use wasm_bindgen_futures::spawn_local;

use crate::components::keyed_rows::KeyedRows;
use crate::components::lazy_panel::{LazyPanel, panel_body};
use crate::project::{ProjectData, ProjectError, use_project_data};
use files::ProjectFiles;
use usage::StorageUsage;

const NEW_PROJECT_NAME: &str = "New storyboard";

/// What the buttons do; a failure lands in `problem` as a sentence.
#[derive(Clone, Copy)]
struct ProjectActions {
    data: ProjectData,
    problem: RwSignal<Option<String>>,
}

impl ProjectActions {
    fn run(self, work: impl std::future::Future<Output = Result<(), ProjectError>> + 'static) {
        self.problem.set(None);
        spawn_local(async move {
            if let Err(error) = work.await {
                self.problem.set(Some(error.to_string()));
            }
        });
    }

    fn create(self) {
        let data = self.data;
        self.run(async move { data.create_project(NEW_PROJECT_NAME).await.map(drop) });
    }

    fn open(self, id: ProjectId) {
        let data = self.data;
        self.run(async move { data.open_project(&id).await });
    }

    fn duplicate(self, id: ProjectId) {
        let data = self.data;
        self.run(async move { data.duplicate_project(&id).await.map(drop) });
    }

    fn delete(self, id: ProjectId) {
        let data = self.data;
        self.run(async move { data.delete_project(&id).await });
    }
}

/// "Projects", its contents fetched on first open (components/lazy_panel.rs).
#[component]
pub fn ProjectsPanel() -> impl IntoView {
    view! {
        <LazyPanel class="projects-panel" load=projects_body>
            <h2>"Projects"</h2>
        </LazyPanel>
    }
}

panel_body!(projects_body, shotline_projects, ProjectsBody);

#[component]
fn ProjectsBody() -> impl IntoView {
    let data = use_project_data();
    let actions = ProjectActions {
        data,
        problem: RwSignal::new(None),
    };
    view! {
        <button type="button" on:click=move |_| actions.create()>"New project"</button>
        <ul class="project-list" aria-label="Projects in this browser">
            <KeyedRows
                ids=Signal::derive(move || data.projects().with(|list| list.iter().map(|s| s.id.to_string()).collect()))
                row=Callback::new(move |id: String| {
                    let name = data.projects().with_untracked(|list| {
                        list.iter().find(|s| s.id.as_str() == id).map(|s| s.name.clone())
                    });
                    view! { <ProjectRow actions id=ProjectId::new(id) name=name.unwrap_or_default() /> }.into_any()
                })
            />
        </ul>
        {move || data.pending_delete().get().map(|deleted| view! {
            <p class="toast" role="status">
                {format!("Deleted \u{201c}{}\u{201d}. ", deleted.name)}
                <button type="button" class="quiet" on:click=move |_| { data.undo_delete(); }>"Undo delete"</button>
            </p>
        })}
        <p class="field-error" role="alert">{move || actions.problem.get()}</p>
        <ProjectFiles />
        <StorageUsage />
    }
}

#[component]
fn ProjectRow(actions: ProjectActions, id: ProjectId, name: String) -> impl IntoView {
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| {
            actions
                .data
                .with_project(|project| project.id == id)
                .unwrap_or(false)
        })
    };
    let (open, duplicate, delete) = (id.clone(), id.clone(), id);
    view! {
        <li class="project-row" class:open=move || is_open.get()>
            <span class="project-row-name">{name}</span>
            <Show when=move || !is_open.get()>
                <button type="button" class="quiet" on:click={
                    let open = open.clone();
                    move |_| actions.open(open.clone())
                }>"Open"</button>
            </Show>
            <button type="button" class="quiet" on:click=move |_| actions.duplicate(duplicate.clone())>"Duplicate"</button>
            <button type="button" class="quiet" on:click=move |_| actions.delete(delete.clone())>"Delete"</button>
        </li>
    }
}
