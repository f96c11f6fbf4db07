//! The project list: reopen on load, create, open, rename, duplicate, delete with a
//! short undo window.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shotline_model::ordered::sort_stable_by;
use shotline_model::project::{Action, History, Project, ProjectId, referenced_media};
use wasm_bindgen_futures::spawn_local;

use super::edit::{fresh_id, fresh_project_id, now_ms};
use super::error::ProjectError;
use super::handle::ProjectData;
use super::save::Saver;
use super::session::{Selection, read_session};
use crate::storage::ProjectSummary;

/// How long a deleted project can be brought back. Closing the tab within it keeps the
/// project: the delete happens only when the window ends.
pub const DELETE_UNDO_WINDOW_MS: u32 = 10_000;

const NEW_PROJECT_NAME: &str = "Untitled storyboard";

impl ProjectData {
    /// Reopens the project and selection of the last visit; else the most recent project;
    /// else, on a first visit or without storage, a new project.
    pub async fn restore(&self) -> Result<(), ProjectError> {
        let Some(storage) = self.storage else {
            self.show(new_project(NEW_PROJECT_NAME), 0);
            return Ok(());
        };
        let session = read_session(storage).await;
        self.refresh_projects().await?;
        let listed = self.projects.get_untracked();
        let last = session
            .project
            .clone()
            .filter(|id| listed.iter().any(|summary| &summary.id == id));
        match last.or_else(|| listed.first().map(|summary| summary.id.clone())) {
            Some(id) => {
                self.open_project(&id).await?;
                if session.project.as_ref() == Some(&id) {
                    self.selection.set(session.selection);
                }
            }
            None => drop(self.create_project(NEW_PROJECT_NAME).await?),
        }
        Ok(())
    }

    pub async fn refresh_projects(&self) -> Result<(), ProjectError> {
        let storage = self.storage()?;
        let mut listed = storage.list_projects().await?;
        self.collect_skipped(storage);
        let deleting = self
            .pending_delete
            .with_untracked(|d| d.as_ref().map(|d| d.id.clone()));
        listed.retain(|summary| Some(&summary.id) != deleting.as_ref());
        newest_first(&mut listed);
        self.projects.set(listed);
        Ok(())
    }

    /// Creates a project with one empty shot and opens it.
    pub async fn create_project(&self, name: &str) -> Result<ProjectId, ProjectError> {
        let project = new_project(name);
        let id = project.id.clone();
        let Some(storage) = self.storage else {
            self.show(project, 0);
            return Ok(id);
        };
        self.flush_or_report().await;
        let receipt = storage.insert_project(&project).await?;
        self.show(project, receipt.revision);
        self.refresh_projects().await?;
        self.save_session();
        Ok(id)
    }

    pub async fn open_project(&self, id: &ProjectId) -> Result<(), ProjectError> {
        let storage = self.storage()?;
        self.flush_or_report().await;
        let stored = storage.load_project(id).await?;
        self.collect_skipped(storage);
        self.show(stored.project, stored.revision);
        self.save_session();
        Ok(())
    }

    pub async fn rename_project(&self, id: &ProjectId, name: &str) -> Result<(), ProjectError> {
        let action = Action::RenameProject {
            name: name.to_owned(),
        };
        if self
            .history
            .with_untracked(|h| h.as_ref().is_some_and(|h| &h.project().id == id))
        {
            self.apply(action)?;
            self.flush().await?;
        } else {
            let storage = self.storage()?;
            let stored = storage.load_project(id).await?;
            let mut history = History::new(stored.project);
            let change = history.apply(action, now_ms())?;
            storage
                .save_project_changes(history.project(), &change, stored.revision)
                .await?;
        }
        self.refresh_projects().await
    }

    /// Stores a copy under a new id, without takes (their jobs belong to the original);
    /// keyframes are shared, not copied. The copy is not opened.
    pub async fn duplicate_project(&self, id: &ProjectId) -> Result<ProjectId, ProjectError> {
        let storage = self.storage()?;
        self.flush_or_report().await;
        let mut copy = storage.load_project(id).await?.project;
        copy.id = fresh_project_id();
        copy.name = format!("{} (copy)", copy.name);
        copy.created_at_ms = now_ms();
        copy.updated_at_ms = copy.created_at_ms;
        for shot in copy.scenes.iter_mut().flat_map(|scene| scene.shots.iter_mut()) {
            shot.takes.clear();
            shot.chosen_take = None;
        }
        storage.insert_project(&copy).await?;
        let keyframes: Vec<_> = referenced_media(&copy).into_iter().collect();
        storage.link_media(copy.id.as_str(), &keyframes).await?;
        self.refresh_projects().await?;
        Ok(copy.id)
    }

    /// Takes the project off the list now and deletes it after [`DELETE_UNDO_WINDOW_MS`]
    /// unless [`ProjectData::undo_delete`] is called first.
    pub async fn delete_project(&self, id: &ProjectId) -> Result<(), ProjectError> {
        self.storage()?;
        self.finish_pending_delete().await?;
        let Some(summary) = self
            .projects
            .with_untracked(|list| list.iter().find(|s| &s.id == id).cloned())
        else {
            return Ok(());
        };
        if self
            .history
            .with_untracked(|h| h.as_ref().is_some_and(|h| &h.project().id == id))
        {
            self.history.set(None);
            self.saver.set_value(Saver::default());
            self.save_session();
        }
        self.projects.update(|list| list.retain(|s| &s.id != id));
        self.pending_delete.set(Some(summary));
        let data = *self;
        self.delete_timer
            .set_value(Some(Timeout::new(DELETE_UNDO_WINDOW_MS, move || {
                spawn_local(async move {
                    if let Err(error) = data.finish_pending_delete().await {
                        data.report(error);
                    }
                });
            })));
        Ok(())
    }

    /// Brings back the project deleted last; `false` if its window has ended.
    pub fn undo_delete(&self) -> bool {
        self.delete_timer.set_value(None);
        let Some(summary) = self.pending_delete.try_update(Option::take).flatten() else {
            return false;
        };
        self.projects.update(|list| {
            list.push(summary);
            newest_first(list);
        });
        true
    }

    async fn finish_pending_delete(&self) -> Result<(), ProjectError> {
        self.delete_timer.set_value(None);
        let Some(summary): Option<ProjectSummary> = self.pending_delete.try_update(Option::take).flatten()
        else {
            return Ok(());
        };
        self.storage()?.delete_project(&summary.id).await?;
        Ok(())
    }

    pub(super) fn show(&self, project: Project, revision: u64) {
        self.saver.set_value(Saver::default());
        self.revision.set_value(revision);
        self.conflict.set(None);
        self.selection.set(Selection::default());
        self.history.set(Some(History::new(project)));
    }

    /// Saving the open project before switching; a failure is reported, not a reason to
    /// refuse the switch.
    async fn flush_or_report(&self) {
        if let Err(error) = self.flush().await {
            self.report(error);
        }
    }
}

fn newest_first(list: &mut Vec<ProjectSummary>) {
    sort_stable_by(list, |a, b| b.updated_at_ms.cmp(&a.updated_at_ms));
}

fn new_project(name: &str) -> Project {
    Project::new_with_first_shot(name, now_ms(), &mut fresh_id)
}
