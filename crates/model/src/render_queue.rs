//! The render queue: shots to render, stored one record per entry, and the one scheduler
//! that places their takes on the servers of the pool. Pure, so the rules are tested
//! natively; the app (`use_generation`) owns one queue per open project, stores its
//! changes, executes its decisions and reports back what happened.
//!
//! The loop the caller runs, after every change (an enqueue, a report, a server's health):
//! 1. [`RenderQueue::place_next`] records each new take as *submitting* with a job id it
//!    got from the caller, and returns the placements;
//! 2. the caller writes [`RenderQueue::drain_changes`] to storage, and only then POSTs
//!    each placement with that job id as its prompt id;
//! 3. the caller reports each answer and each job's end with [`RenderQueue::report`].
//!
//! A reload finds the submitting takes ([`RenderQueue::unconfirmed`]), asks their
//! servers, and reports them accepted or unreached: a take is never submitted twice.
//!
//! Decisions a person would notice:
//! - Placement follows the queue order, every take of an entry before the next entry;
//!   an entry no server can run is passed over (it says why), not a wall for the others.
//! - Backpressure is the pool's: [`IN_FLIGHT_PER_SERVER`](crate::pool::IN_FLIGHT_PER_SERVER)
//!   jobs per server (one running, one queued), counting the queue's takes and every
//!   other Shotline job on it.
//! - A shot already in the queue (waiting, placed or running, same profile) is not queued
//!   twice: its entry asks for the larger of the two take counts.
//! - Pause stops placing; what is on a server goes on. Stop drops what is not on a server
//!   yet and cancels what waits in a server's queue; a running take finishes (its work is
//!   mostly done, and the shot's own ServerJob still stops it).
//! - Failures do not stop the queue; [`RenderQueue::summary`] groups them by reason.

mod controls;
mod enqueue;
mod entry;
mod eta;
mod load;
mod report;
mod schedule;
mod summary;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::pool::NoServer;
use crate::project::ProjectId;

pub use controls::ServerJob;
pub use enqueue::{EnqueueError, EnqueueReport, Refusal, Scope};
pub use entry::{EntryId, EntryState, MAX_TAKES_PER_ENTRY, QueueEntry, RemovedReason, Take, TakeState};
pub use eta::{DURATION_WINDOW_RUNS, DurationStats};
pub use load::{LoadReport, Pruned};
pub use report::{MAX_UNREACHED_PER_ENTRY, TakeEnd, TakeReport};
pub use schedule::{NoServerForProfile, Placement, QueueServer};
pub use summary::{FailureGroup, QueueSummary};

/// What the queue keeps besides its entries, stored as one settings record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueSettings {
    #[serde(default)]
    pub paused: bool,
    #[serde(default)]
    pub durations: DurationStats,
}

/// What to write to storage since the last [`RenderQueue::drain_changes`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueChanges {
    pub put: Vec<QueueEntry>,
    pub delete: Vec<EntryId>,
    pub settings: Option<QueueSettings>,
}

impl QueueChanges {
    pub fn is_empty(&self) -> bool {
        self.put.is_empty() && self.delete.is_empty() && self.settings.is_none()
    }
}

/// Takes by where they are, for the region's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Not on a server yet.
    pub waiting: usize,
    /// Being submitted, or in a server's queue.
    pub placed: usize,
    pub running: usize,
}

/// One project's render queue.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderQueue {
    project: ProjectId,
    /// Always sorted by `(order, created_at_ms, id)`.
    entries: Vec<QueueEntry>,
    settings: QueueSettings,
    /// Why a waiting entry was not placed by the last [`RenderQueue::place_next`]; not
    /// stored, the next pass finds it again.
    holds: BTreeMap<EntryId, NoServer>,
    changed: BTreeSet<EntryId>,
    deleted: Vec<EntryId>,
    settings_changed: bool,
}

impl RenderQueue {
    pub fn new(project: ProjectId) -> Self {
        Self::with(project, Vec::new(), QueueSettings::default())
    }

    fn with(project: ProjectId, mut entries: Vec<QueueEntry>, settings: QueueSettings) -> Self {
        sort(&mut entries);
        Self {
            project,
            entries,
            settings,
            holds: BTreeMap::new(),
            changed: BTreeSet::new(),
            deleted: Vec::new(),
            settings_changed: false,
        }
    }

    pub fn project(&self) -> &ProjectId {
        &self.project
    }

    /// In queue order: what goes first, first.
    pub fn entries(&self) -> &[QueueEntry] {
        &self.entries
    }

    pub fn entry(&self, id: &EntryId) -> Option<&QueueEntry> {
        self.entries.iter().find(|entry| &entry.id == id)
    }

    pub fn settings(&self) -> &QueueSettings {
        &self.settings
    }

    pub fn is_paused(&self) -> bool {
        self.settings.paused
    }

    /// Why `id` waits although it is its turn: no server can run its profile now.
    pub fn hold(&self, id: &EntryId) -> Option<NoServerForProfile<'_>> {
        self.holds.get(id).map(NoServerForProfile)
    }

    pub fn counts(&self) -> QueueCounts {
        let mut counts = QueueCounts::default();
        for entry in &self.entries {
            counts.waiting += entry.takes_to_place();
            for take in &entry.takes {
                match take.state {
                    TakeState::Submitting | TakeState::Queued => counts.placed += 1,
                    TakeState::Running => counts.running += 1,
                    _ => {}
                }
            }
        }
        counts
    }

    /// Nothing to place and nothing on a server, and something was queued: the moment
    /// for [`RenderQueue::summary`].
    pub fn is_finished(&self) -> bool {
        !self.entries.is_empty() && self.entries.iter().all(|entry| !entry.is_active())
    }

    /// Forgets the entries that ended (the person closed the summary); their records are
    /// in the next changes' `delete`.
    pub fn dismiss_ended(&mut self) {
        let (active, ended): (Vec<_>, Vec<_>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(QueueEntry::is_active);
        self.entries = active;
        for entry in ended {
            self.holds.remove(&entry.id);
            self.changed.remove(&entry.id);
            self.deleted.push(entry.id);
        }
    }

    /// The records to write (and delete) since the last call. Write them before acting
    /// on placements: that is what makes a reload safe.
    pub fn drain_changes(&mut self) -> QueueChanges {
        let changed = std::mem::take(&mut self.changed);
        QueueChanges {
            put: self
                .entries
                .iter()
                .filter(|entry| changed.contains(&entry.id))
                .cloned()
                .collect(),
            delete: std::mem::take(&mut self.deleted),
            settings: std::mem::take(&mut self.settings_changed).then(|| self.settings.clone()),
        }
    }

    fn entry_mut(&mut self, id: &EntryId) -> Option<&mut QueueEntry> {
        let entry = self.entries.iter_mut().find(|entry| &entry.id == id)?;
        self.changed.insert(entry.id.clone());
        Some(entry)
    }

    fn set_settings(&mut self, change: impl FnOnce(&mut QueueSettings)) {
        change(&mut self.settings);
        self.settings_changed = true;
    }
}

fn sort(entries: &mut [QueueEntry]) {
    entries.sort_by(|a, b| (a.order, a.created_at_ms, &a.id).cmp(&(b.order, b.created_at_ms, &b.id)));
}

#[cfg(test)]
mod tests;
