//! Reconciliation over HTTP: queue snapshots and history lookups, which hold even when
//! the socket missed everything.

use super::outcome::apply_history;
use super::socket::running;
use super::{CancelRequest, Effect, FailureKind, Job, JobState, LostReason, QueueLookup, queue_position};
use crate::http::{HistoryEntry, QueueSnapshot};

/// Absent from queue and history this many reconciliations in a row, with the server up
/// all along, the prompt was removed by someone else (trace f phase 2: another client's
/// `{"clear": true}`). More than one look, because a history write can trail the queue.
pub const MISSING_RECONCILES_BEFORE_LOST: u32 = 3;

/// Looks at history that found `{}` after the run had ended, before the job is Lost with
/// [`LostReason::HistoryCleared`]. The history write trails `execution_success` by
/// milliseconds and precedes `executing null` (PROTOCOL.md): with the caller's backoff
/// (0.5, 1, 2, then 4 s) and the reconciler's own looks, this ends it within about 30 s.
pub const EMPTY_HISTORY_LOOKS_BEFORE_LOST: u32 = 10;

/// History answers that were not ComfyUI's JSON (or a 4xx) before the job Fails: a
/// proxy's passing error page is survived, a server that keeps answering so cannot give
/// a verdict.
pub const UNREADABLE_HISTORY_BEFORE_FAILED: u32 = 5;

/// A queue snapshot on its own: it places a pending job and notices a running one, but
/// a job absent from it needs history to tell how it left.
pub(super) fn apply_queue(job: &mut Job, snapshot: &QueueSnapshot) -> Effect {
    match queue_position(snapshot, &job.prompt_id) {
        QueueLookup::Running => running(job),
        QueueLookup::Pending(place) => {
            let was_submitting = job.state == JobState::Submitting;
            // A stale snapshot must not move a running job back to the queue.
            if matches!(job.state, JobState::Submitting | JobState::Queued { .. }) {
                job.state = JobState::Queued { place: Some(place) };
            }
            // Cancelled while submitting: the delete sent then may have found nothing.
            if was_submitting && job.cancel == Some(CancelRequest::DeleteFromQueue) {
                return Effect::DeleteFromQueue;
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
        // at a server that restarted (it reaches the new instance, or fails itself). Its
        // own answer, or its timeout, settles it.
        if !job.submit_orphaned {
            return Effect::None;
        }
        // Its POST was sent by a page that is gone. Cancelled: the delete went out, and
        // a prompt in neither list will not run.
        if job.cancel.is_some() {
            job.state = JobState::Cancelled;
            return Effect::None;
        }
        // A restart suspicion says nothing here (a reload always raises one): it never
        // had the prompt, or forgot it; either way the submission did not stick.
        job.missing_reconciles += 1;
        if job.missing_reconciles >= MISSING_RECONCILES_BEFORE_LOST {
            job.state = JobState::Lost {
                reason: LostReason::SubmitInterrupted,
            };
        }
        return Effect::None;
    }
    // The run was seen to end and its history is gone: that is the fact, whatever took
    // the history (a clear by another client, or a restart). A restart suspicion alone
    // (every socket reconnect raises one) must not name a restart the server never had.
    if job.run_ended {
        return history_still_empty(job);
    }
    if server_restarted {
        job.state = JobState::Lost {
            reason: LostReason::ServerRestarted,
        };
        return Effect::None;
    }
    job.missing_reconciles += 1;
    if job.missing_reconciles >= MISSING_RECONCILES_BEFORE_LOST {
        job.state = JobState::Lost {
            reason: LostReason::Vanished,
        };
    }
    Effect::None
}

/// History is `{}` although the run ended: ask again, a bounded number of times.
pub(super) fn history_still_empty(job: &mut Job) -> Effect {
    job.empty_history_looks += 1;
    if job.empty_history_looks >= EMPTY_HISTORY_LOOKS_BEFORE_LOST {
        job.state = JobState::Lost {
            reason: LostReason::HistoryCleared,
        };
        return Effect::None;
    }
    Effect::RetryHistoryLater
}

/// History answered with something unreadable: tolerated a few times, then the job Fails
/// with what the answer was.
pub(super) fn history_unreadable(job: &mut Job, reason: &str) -> Effect {
    let post_in_flight = job.state == JobState::Submitting && !job.submit_orphaned;
    if !job.state.awaits_verdict() || post_in_flight {
        return Effect::None;
    }
    job.unreadable_history += 1;
    if job.unreadable_history >= UNREADABLE_HISTORY_BEFORE_FAILED {
        job.state = JobState::Failed {
            node: None,
            class: None,
            message: reason.to_owned(),
            kind: FailureKind::VerdictUnreadable,
        };
    }
    Effect::None
}
