//! Cancels end Cancelled only once the server confirms them; a restart loses what it
//! forgot.

mod support;

use serde_json::json;
use shotline_protocol::job::{CancelRequest, LostReason};
use shotline_protocol::{Effect, JobEvent, JobState, apply, reconcile_job};
use support::jobs::{ID, feed, interrupted, job, queue, running_job, success};

#[test]
fn cancel_of_a_pending_job_is_confirmed_by_absence_from_queue_and_history() {
    let mut job = job();
    apply(&mut job, JobEvent::SubmitAccepted, 0);
    assert_eq!(
        apply(&mut job, JobEvent::CancelRequested, 0),
        Effect::DeleteFromQueue
    );
    reconcile_job(&mut job, &queue(&["other"], &[ID]), None, false);
    assert!(
        matches!(job.state(), JobState::Queued { .. }),
        "still listed: not yet cancelled"
    );
    reconcile_job(&mut job, &queue(&["other"], &[]), None, false);
    assert_eq!(job.state(), &JobState::Cancelled);
}

#[test]
fn cancel_of_a_pending_job_that_started_anyway_becomes_an_interrupt() {
    let mut job = job();
    apply(&mut job, JobEvent::SubmitAccepted, 0);
    apply(&mut job, JobEvent::CancelRequested, 0);
    assert_eq!(
        feed(&mut job, "execution_start", json!({"prompt_id": ID})),
        Effect::Interrupt
    );
    assert_eq!(job.cancel_requested(), Some(CancelRequest::Interrupt));
    apply(&mut job, JobEvent::History(Some(&interrupted())), 0);
    assert_eq!(job.state(), &JobState::Cancelled);
}

#[test]
fn cancel_while_submitting_deletes_again_once_the_server_accepted() {
    let mut job = job();
    assert_eq!(
        apply(&mut job, JobEvent::CancelRequested, 0),
        Effect::DeleteFromQueue
    );
    assert_eq!(
        apply(&mut job, JobEvent::SubmitAccepted, 0),
        Effect::DeleteFromQueue
    );
}

#[test]
fn cancel_that_came_too_late_ends_done_because_history_wins() {
    let mut job = running_job();
    assert_eq!(apply(&mut job, JobEvent::CancelRequested, 0), Effect::Interrupt);
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    apply(&mut job, JobEvent::History(Some(&success())), 0);
    apply(&mut job, JobEvent::OutputsFetched, 0);
    assert!(matches!(job.state(), JobState::Done { .. }));
}

#[test]
fn prompt_in_neither_queue_nor_history_after_a_restart_is_lost() {
    let mut job = running_job();
    reconcile_job(&mut job, &queue(&[], &[]), None, true);
    assert_eq!(
        job.state(),
        &JobState::Lost {
            reason: LostReason::ServerRestarted
        }
    );
}

#[test]
fn restart_that_kept_the_history_entry_still_ends_by_history() {
    let mut job = running_job();
    let effect = reconcile_job(&mut job, &queue(&[], &[]), Some(&success()), true);
    assert!(matches!(effect, Effect::FetchOutputs(_)));
}
