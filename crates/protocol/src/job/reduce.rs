//! The reducer: one input in, the job updated, one effect out.

use super::outcome::{apply_history, keyframe_failure, refused_failure, validation_failure};
use super::reconcile::{apply_queue, history_still_empty, history_unreadable};
use super::socket::apply_message;
use super::{CancelRequest, Effect, FailureKind, Job, JobEvent, JobState, QueueLookup, queue_position};
use crate::http::{HistoryEntry, QueueSnapshot};

/// Folds `event` into `job`. `now_ms` is the caller's clock (the crate reads none), used
/// for the ETA. A finished job changes no more: late and duplicate input is ignored.
pub fn apply(job: &mut Job, event: JobEvent<'_>, now_ms: u64) -> Effect {
    if job.is_terminal() {
        return Effect::None;
    }
    match event {
        JobEvent::SubmitAccepted => submit_accepted(job),
        JobEvent::SubmitRejected(rejected) => submit_refused(job, validation_failure(rejected)),
        JobEvent::KeyframeRejected { rejected, node } => {
            submit_refused(job, keyframe_failure(rejected, node))
        }
        JobEvent::SubmitFailed { status, body } => submit_refused(job, refused_failure(status, body)),
        JobEvent::SubmitUnanswered {
            queue,
            history,
            error,
        } => submit_unanswered(job, queue, history, error),
        JobEvent::Restored => restored(job),
        JobEvent::Message(message) => apply_message(job, message, now_ms),
        JobEvent::Queue(snapshot) => apply_queue(job, snapshot),
        JobEvent::History(Some(entry)) => apply_history(job, entry),
        JobEvent::History(None) if job.run_ended && job.state.awaits_verdict() => history_still_empty(job),
        JobEvent::History(None) => Effect::None,
        JobEvent::HistoryUnreadable { reason } => history_unreadable(job, reason),
        JobEvent::CancelRequested => cancel(job),
        JobEvent::OutputsFetched => outputs_fetched(job),
        JobEvent::OutputsUnavailable { reason } => outputs_unavailable(job, reason),
        JobEvent::GivenUp => {
            job.state = JobState::Lost {
                reason: super::LostReason::ServerUnreachable,
            };
            Effect::None
        }
    }
}

/// Only a job still waiting for its answer moves: the whole run can beat the 200
/// (trace c), and then the answer must not send it back to the queue.
fn submit_accepted(job: &mut Job) -> Effect {
    if job.state != JobState::Submitting {
        return Effect::None;
    }
    job.state = JobState::Queued { place: None };
    // A cancel while the POST was in flight: the delete sent then found nothing to delete.
    if job.cancel == Some(CancelRequest::DeleteFromQueue) {
        return Effect::DeleteFromQueue;
    }
    Effect::None
}

/// No answer to the POST: the server's queue and history tell whether it arrived. A fast
/// run can be over before the answer was lost, so history counts as much as the queue.
fn submit_unanswered(
    job: &mut Job,
    queue: Option<&QueueSnapshot>,
    history: Option<&HistoryEntry>,
    error: &str,
) -> Effect {
    if job.state != JobState::Submitting {
        return Effect::None;
    }
    if let Some(queue) = queue
        && queue_position(queue, &job.prompt_id) != QueueLookup::Absent
    {
        return apply_queue(job, queue);
    }
    if let Some(entry) = history {
        job.state = JobState::Queued { place: None };
        return apply_history(job, entry);
    }
    job.state = if job.cancel.is_some() {
        // Cancelled before the server ever had it: nothing will run.
        JobState::Cancelled
    } else {
        refused_failure(0, error)
    };
    Effect::None
}

/// Read back after a reload: a Submitting job is judged by queue and history from now
/// on (its POST cannot answer this page); a cut-off download starts again.
fn restored(job: &mut Job) -> Effect {
    match &job.state {
        JobState::Submitting => {
            job.submit_orphaned = true;
            Effect::None
        }
        JobState::FetchingOutputs {
            outputs: Some(outputs),
        } => Effect::FetchOutputs(outputs.clone()),
        _ => Effect::None,
    }
}

fn submit_refused(job: &mut Job, failure: JobState) -> Effect {
    if job.state == JobState::Submitting {
        job.state = failure;
    }
    Effect::None
}

/// Asks the server to drop the job; it ends Cancelled only when the server confirms
/// (or, for a submission the server never had, when queue and history show it absent).
/// A job fetching its outputs is not cancelled: the run is over and kept its files, and
/// the fetch ends Done or Failed within its bounded retries.
fn cancel(job: &mut Job) -> Effect {
    let request = match job.state {
        JobState::Submitting | JobState::Queued { .. } => CancelRequest::DeleteFromQueue,
        JobState::Running(_) if !job.run_ended => CancelRequest::Interrupt,
        // The run is over: nothing left to stop.
        _ => return Effect::None,
    };
    job.cancel = Some(request);
    match request {
        CancelRequest::DeleteFromQueue => Effect::DeleteFromQueue,
        CancelRequest::Interrupt => Effect::Interrupt,
    }
}

fn outputs_fetched(job: &mut Job) -> Effect {
    if let JobState::FetchingOutputs {
        outputs: Some(outputs),
    } = &mut job.state
    {
        job.state = JobState::Done {
            outputs: std::mem::take(outputs),
            not_shown: std::mem::take(&mut job.not_shown),
        };
    }
    Effect::None
}

fn outputs_unavailable(job: &mut Job, reason: &str) -> Effect {
    if matches!(job.state, JobState::FetchingOutputs { outputs: Some(_) }) {
        job.state = JobState::Failed {
            node: None,
            class: None,
            message: reason.to_owned(),
            kind: FailureKind::OutputsUnavailable,
        };
    }
    Effect::None
}
