//! The person's controls on the queue: Pause, Resume, Stop, and per entry 'Move to
//! front' and 'Remove'; and what happens when a server leaves the project.

use super::entry::{EntryId, QueueEntry, RemovedReason, TakeState};
use super::{RenderQueue, sort};
use crate::project::JobId;
use crate::server_url::ServerUrl;

/// A take's job and its server: one to cancel (the engine deletes a pending prompt from
/// its server's queue), or one to ask about after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerJob {
    pub server: ServerUrl,
    pub job: JobId,
}

impl RenderQueue {
    /// No new placements; what is on a server goes on.
    pub fn pause(&mut self) {
        self.set_settings(|settings| settings.paused = true);
    }

    pub fn resume(&mut self) {
        self.set_settings(|settings| settings.paused = false);
    }

    /// Ends the run: every entry with takes not yet on a server leaves the queue
    /// ([`RemovedReason::Stopped`]), and the takes waiting in a server's queue (or being
    /// submitted) are returned to cancel. Running takes finish and are kept. The queue
    /// is not left paused: the next Generate runs.
    pub fn stop(&mut self) -> Vec<ServerJob> {
        let stopping: Vec<EntryId> = self
            .entries
            .iter()
            .filter(|entry| entry.removed.is_none() && (entry.takes_to_place() > 0 || has_pending(entry)))
            .map(|entry| entry.id.clone())
            .collect();
        let cancels = stopping
            .iter()
            .flat_map(|id| self.withdraw(id, RemovedReason::Stopped))
            .collect();
        if self.settings.paused {
            self.resume();
        }
        cancels
    }

    /// Places the entry's remaining takes before every other entry's. `false` when it
    /// has none left to place (then its place does not matter).
    pub fn move_to_front(&mut self, id: &EntryId) -> bool {
        let first = self.entries.iter().map(|entry| entry.order).min().unwrap_or(0);
        if self.entry(id).is_none_or(|entry| entry.takes_to_place() == 0) {
            return false;
        }
        let Some(entry) = self.entry_mut(id) else {
            return false;
        };
        entry.order = first - 1;
        sort(&mut self.entries);
        true
    }

    /// 'Remove': an entry that ended is forgotten; one still active leaves the queue
    /// like a stopped one (its pending takes are returned to cancel, a running one
    /// finishes, and the entry is kept until it has).
    pub fn remove(&mut self, id: &EntryId) -> Vec<ServerJob> {
        let Some(entry) = self.entry(id) else {
            return Vec::new();
        };
        match (entry.is_active(), entry.removed) {
            (true, None) => return self.withdraw(id, RemovedReason::ByYou),
            (true, Some(_)) => return Vec::new(),
            (false, _) => {}
        }
        self.entries.retain(|entry| &entry.id != id);
        self.holds.remove(id);
        self.changed.remove(id);
        self.deleted.push(id.clone());
        Vec::new()
    }

    /// `server` left the project (or the pool): takes waiting in its queue are taken
    /// back, returned to cancel there, and placed again on another server; running ones
    /// stay (they end, or their job is lost). Takes being submitted stay until the caller
    /// learns whether the POST arrived.
    pub fn withdraw_from_server(&mut self, server: &ServerUrl) -> Vec<ServerJob> {
        let mut cancels = Vec::new();
        for entry in &mut self.entries {
            let mut changed = false;
            for take in &mut entry.takes {
                if &take.server == server && take.state == TakeState::Queued {
                    take.state = TakeState::Withdrawn;
                    cancels.push(ServerJob {
                        server: take.server.clone(),
                        job: take.job.clone(),
                    });
                    changed = true;
                }
            }
            if changed {
                self.changed.insert(entry.id.clone());
            }
        }
        cancels
    }

    /// Marks the entry removed and returns its pending takes to cancel.
    pub(super) fn withdraw(&mut self, id: &EntryId, reason: RemovedReason) -> Vec<ServerJob> {
        self.holds.remove(id);
        let Some(entry) = self.entry_mut(id) else {
            return Vec::new();
        };
        entry.removed = Some(reason);
        entry
            .takes
            .iter()
            .filter(|take| matches!(take.state, TakeState::Submitting | TakeState::Queued))
            .map(|take| ServerJob {
                server: take.server.clone(),
                job: take.job.clone(),
            })
            .collect()
    }
}

fn has_pending(entry: &QueueEntry) -> bool {
    entry
        .takes
        .iter()
        .any(|take| matches!(take.state, TakeState::Submitting | TakeState::Queued))
}
