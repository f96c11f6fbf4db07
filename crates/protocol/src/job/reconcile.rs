//! Reconciliation over HTTP: queue snapshots and history lookups, which hold even when
//! the socket missed everything.

use super::outcome::apply_history;
use super::socket::running;
use super::{CancelRequest, Effect, Job, JobState, LostReason, QueueLookup, queue_position};
use crate::http::{HistoryEntry, QueueSnapshot};

/// Absent from queue and history this many reconciliations in a row, with the server up
/// all along, the prompt was removed by someone else (trace f phase 2: another client's
/// `{"clear": true}`). More than one look, because a history write can trail the queue.
const MISSING_RECONCILES_BEFORE_LOST: u32 = 3;

/// A queue snapshot on its own: it places a pending job and notices a running one, but
/// a job absent from it needs history to tell how it left.
pub(super) fn apply_queue(job: &mut Job, snapshot: &QueueSnapshot) -> Effect {
    match queue_position(snapshot, &job.prompt_id) {
        QueueLookup::Running => running(job),
        QueueLookup::Pending(place) => {
            // A stale snapshot must not move a running job back to the queue.
            if matches!(job.state, JobState::Submitting | JobState::Queued { .. }) {
                job.state = JobState::Queued { place: Some(place) };
            }
            Effect::None
        }
        QueueLookup::Absent if matches!(job.state, JobState::Queued { .. } | JobState::Running(_)) => {
            Effect::FetchHistory
        }
        QueueLookup::Absent => Effect::None,
    }
}

/// Settles a job from a queue snapshot and its history lookup (`None` for `{}`), taken
/// in that order: a prompt moves from queue to history without ever being in neither, so
/// one that is in neither has left the server. `server_restarted` is the caller's fact (a
/// new sid, a lower uptime): a restart forgets queue and history.
pub fn reconcile_job(
    job: &mut Job,
    queue: &QueueSnapshot,
    history: Option<&HistoryEntry>,
    server_restarted: bool,
) -> Effect {
    if !job.state.awaits_verdict() {
        return Effect::None;
    }
    if let Some(entry) = history {
        return apply_history(job, entry);
    }
    if queue_position(queue, &job.prompt_id) != QueueLookup::Absent {
        job.missing_reconciles = 0;
        return apply_queue(job, queue);
    }
    let queued = matches!(job.state, JobState::Queued { .. });
    if queued && job.cancel == Some(CancelRequest::DeleteFromQueue) {
        // Deleted pending prompts never reach history (trace f): absence is the confirmation.
        job.state = JobState::Cancelled;
        return Effect::None;
    }
    if job.state == JobState::Submitting {
        // The POST may still be on its way: the snapshot can predate its arrival, even
        // at a server that restarted (it reaches the new instance, or fails itself).
        return Effect::None;
    }
    if server_restarted {
        job.state = JobState::Lost {
            reason: LostReason::ServerRestarted,
        };
        return Effect::None;
    }
    if job.run_ended {
        return Effect::RetryHistoryLater;
    }
    job.missing_reconciles += 1;
    if job.missing_reconciles >= MISSING_RECONCILES_BEFORE_LOST {
        job.state = JobState::Lost {
            reason: LostReason::Vanished,
        };
    }
    Effect::None
}
