//! The Copy handle and its reactive reads.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shotline_model::project::{History, Project, ProjectId, Shot, ShotId, ShotSlot, ShotSlots};

use super::error::ProjectError;
use super::save::{SaveStats, Saver};
use super::session::Selection;
use super::tabs::TabChannel;
use crate::storage::{ProjectSummary, Storage, StorageError};

#[derive(Clone, Copy)]
pub struct ProjectData {
    /// `None` when IndexedDB could not be opened: everything works, nothing is kept.
    pub(super) storage: Option<Storage>,
    pub(super) storage_problem: RwSignal<Option<StorageError>>,
    /// The open project with its undo steps; `None` before one is open.
    pub(super) history: RwSignal<Option<History>>,
    /// Every shot's number and place, rebuilt once per edit; it notifies only when shots
    /// were added, removed or moved, so a prompt edit re-numbers no card.
    slots: Memo<ShotSlots>,
    /// The stored revision this tab's copy is based on.
    pub(super) revision: StoredValue<u64>,
    pub(super) selection: RwSignal<Selection>,
    pub(super) projects: RwSignal<Vec<ProjectSummary>>,
    pub(super) pending_delete: RwSignal<Option<ProjectSummary>>,
    pub(super) conflict: RwSignal<Option<String>>,
    pub(super) last_error: RwSignal<Option<ProjectError>>,
    pub(super) skipped: RwSignal<Vec<StorageError>>,
    pub(super) stats: RwSignal<SaveStats>,
    /// Edits made but not yet written (the debounce is running, or a save failed).
    pub(super) unsaved: RwSignal<bool>,
    pub(super) saver: StoredValue<Saver, LocalStorage>,
    pub(super) delete_timer: StoredValue<Option<Timeout>, LocalStorage>,
    pub(super) tabs: StoredValue<Option<TabChannel>, LocalStorage>,
}

impl ProjectData {
    /// The handle without context or restore (see `provide_project_data`); call inside a
    /// reactive owner, e.g. in tests, then [`ProjectData::restore`].
    pub fn new(storage: Result<Storage, StorageError>) -> Self {
        let (storage, problem) = match storage {
            Ok(storage) => (Some(storage), None),
            Err(problem) => (None, Some(problem)),
        };
        let history = RwSignal::new(None::<History>);
        let slots = Memo::new(move |_| {
            history.with(|h| h.as_ref().map(|h| h.project().shot_slots()).unwrap_or_default())
        });
        let data = Self {
            storage,
            storage_problem: RwSignal::new(problem),
            history,
            slots,
            revision: StoredValue::new(0),
            selection: RwSignal::new(Selection::default()),
            projects: RwSignal::new(Vec::new()),
            pending_delete: RwSignal::new(None),
            conflict: RwSignal::new(None),
            last_error: RwSignal::new(None),
            skipped: RwSignal::new(Vec::new()),
            stats: RwSignal::new(SaveStats::default()),
            unsaved: RwSignal::new(false),
            saver: StoredValue::new_local(Saver::default()),
            delete_timer: StoredValue::new_local(None),
            tabs: StoredValue::new_local(None),
        };
        data.listen_to_other_tabs();
        data
    }

    /// Reads the open project, tracked: a view or memo calling this reruns on each edit.
    pub fn with_project<R>(&self, read: impl FnOnce(&Project) -> R) -> Option<R> {
        self.history
            .with(|history| history.as_ref().map(|history| read(history.project())))
    }

    /// Reads the open project untracked, without copying it: for event handlers and
    /// async work that need a part of it now (a copy of a 1,000-shot project is not free).
    pub fn read_untracked<R>(&self, read: impl FnOnce(&Project) -> R) -> Option<R> {
        self.history
            .with_untracked(|history| history.as_ref().map(|history| read(history.project())))
    }

    /// A copy of the open project, untracked: for work that must outlive a borrow.
    pub fn with_project_untracked(&self) -> Option<Project> {
        self.history
            .with_untracked(|history| history.as_ref().map(|h| h.project().clone()))
    }

    pub fn project_id(&self) -> Option<ProjectId> {
        self.with_project(|project| project.id.clone())
    }

    /// One shot, for a view that shows only it.
    /// One shot, looked up by its slot: with a thousand cards, each edit costs each card
    /// one lookup, not a search through the project.
    pub fn shot(&self, id: ShotId) -> Memo<Option<Shot>> {
        let data = *self;
        Memo::new(move |_| {
            let at = data.slots.with(|slots| slots.get(&id).map(|slot| slot.at))?;
            data.with_project(|project| project.shot_at(&id, at).cloned())
                .flatten()
        })
    }

    /// A shot's number and place (tracked: reruns when shots are added, removed, moved).
    pub fn shot_slot(&self, id: &ShotId) -> Option<ShotSlot> {
        self.slots.with(|slots| slots.get(id).copied())
    }

    /// How many shots the open project has, untracked.
    pub fn shot_total_untracked(&self) -> usize {
        self.slots.with_untracked(|slots| slots.len())
    }

    /// "Shot N": its number across the project; 0 once it is gone. Reruns only when shots
    /// are added, removed or moved.
    pub fn shot_number(&self, id: ShotId) -> Memo<usize> {
        let slots = self.slots;
        Memo::new(move |_| slots.with(|slots| slots.get(&id).map_or(0, |slot| slot.number)))
    }

    pub fn can_undo(&self) -> Signal<bool> {
        let history = self.history;
        Signal::derive(move || history.with(|h| h.as_ref().is_some_and(History::can_undo)))
    }

    pub fn can_redo(&self) -> Signal<bool> {
        let history = self.history;
        Signal::derive(move || history.with(|h| h.as_ref().is_some_and(History::can_redo)))
    }

    pub fn selection(&self) -> ReadSignal<Selection> {
        self.selection.read_only()
    }

    /// Stored projects, most recently edited first.
    pub fn projects(&self) -> ReadSignal<Vec<ProjectSummary>> {
        self.projects.read_only()
    }

    /// A project deleted less than [`super::DELETE_UNDO_WINDOW_MS`] ago.
    pub fn pending_delete(&self) -> ReadSignal<Option<ProjectSummary>> {
        self.pending_delete.read_only()
    }

    /// Set when another tab saved this project: edits here are no longer saved until the
    /// project is reopened.
    pub fn conflict(&self) -> ReadSignal<Option<String>> {
        self.conflict.read_only()
    }

    /// The last failure of work that runs in the background (saves, restore, deletes).
    pub fn last_error(&self) -> ReadSignal<Option<ProjectError>> {
        self.last_error.read_only()
    }

    /// Damaged records left out of what was loaded.
    pub fn skipped_records(&self) -> ReadSignal<Vec<StorageError>> {
        self.skipped.read_only()
    }

    /// True from an edit until it is written: what a "Saving…" indicator shows.
    pub fn has_unsaved_changes(&self) -> Signal<bool> {
        self.unsaved.into()
    }

    pub fn save_stats(&self) -> ReadSignal<SaveStats> {
        self.stats.read_only()
    }

    /// Why nothing is kept in this browser (private mode, blocked); `None` when storage works.
    pub fn storage_problem(&self) -> ReadSignal<Option<StorageError>> {
        self.storage_problem.read_only()
    }

    pub(super) fn storage(&self) -> Result<Storage, ProjectError> {
        self.storage.ok_or(ProjectError::NoStorage)
    }

    pub(super) fn report(&self, error: ProjectError) {
        web_sys::console::warn_1(&format!("Shotline project: {error}").into());
        self.last_error.set(Some(error));
    }

    pub(super) fn collect_skipped(&self, storage: Storage) {
        let skipped = storage.take_skipped_records();
        if !skipped.is_empty() {
            self.skipped.update(|list| list.extend(skipped));
        }
    }
}
