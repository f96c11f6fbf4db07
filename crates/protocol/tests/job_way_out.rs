//! No state without a way out: every unfinished state reaches a verdict in a bounded
//! number of looks (reconciled, retried, or Lost with a reason that leads to Resubmit),
//! and Cancel does something in each.

mod support;

use serde_json::json;
use shotline_protocol::job::{
    CancelRequest, EMPTY_HISTORY_LOOKS_BEFORE_LOST, FailureKind, LostReason, MISSING_RECONCILES_BEFORE_LOST,
    UNREADABLE_HISTORY_BEFORE_FAILED,
};
use shotline_protocol::{Effect, Job, JobEvent, JobState, apply, reconcile_job};
use support::jobs::{ID, feed, interrupted, job, queue, running_job, success};

/// A job as the page reads it back from storage after a reload.
fn after_reload(job: &Job) -> Job {
    let stored = serde_json::to_string(job).unwrap();
    let mut restored: Job = serde_json::from_str(&stored).unwrap();
    apply(&mut restored, JobEvent::Restored, 0);
    restored
}

fn lost(reason: LostReason) -> JobState {
    JobState::Lost { reason }
}

#[test]
fn a_reload_during_the_post_that_the_server_got_follows_the_job_in_the_queue() {
    let mut job = after_reload(&job());
    assert_eq!(job.state(), &JobState::Submitting);
    assert!(job.submit_orphaned());
    // The first reconcile after a reload always suspects a restart.
    reconcile_job(&mut job, &queue(&["other"], &[ID]), None, true);
    assert!(matches!(job.state(), JobState::Queued { place: Some(_) }));
    reconcile_job(&mut job, &queue(&[ID], &[]), None, false);
    assert!(matches!(job.state(), JobState::Running(_)));
}

#[test]
fn a_reload_during_the_post_of_a_run_that_already_finished_ends_by_its_history() {
    let mut job = after_reload(&job());
    let effect = reconcile_job(&mut job, &queue(&[], &[]), Some(&success()), true);
    assert!(matches!(effect, Effect::FetchOutputs(files) if files[0].filename == "out.png"));
    apply(&mut job, JobEvent::OutputsFetched, 0);
    assert!(matches!(job.state(), JobState::Done { .. }));
}

#[test]
fn a_reload_during_the_post_that_never_reached_the_server_is_lost_after_a_bounded_number_of_looks() {
    let mut job = after_reload(&job());
    for look in 1..=MISSING_RECONCILES_BEFORE_LOST {
        assert_eq!(job.state(), &JobState::Submitting, "look {look}");
        reconcile_job(&mut job, &queue(&["other"], &[]), None, look == 1);
    }
    assert_eq!(job.state(), &lost(LostReason::SubmitInterrupted));
}

#[test]
fn a_post_still_in_flight_in_this_page_is_never_judged_by_a_snapshot() {
    let mut job = job();
    for _ in 0..10 * MISSING_RECONCILES_BEFORE_LOST {
        reconcile_job(&mut job, &queue(&[], &[]), None, false);
    }
    assert_eq!(job.state(), &JobState::Submitting);
}

#[test]
fn a_lost_post_answer_of_a_run_that_already_finished_ends_done_not_failed() {
    let mut job = job();
    let effect = apply(
        &mut job,
        JobEvent::SubmitUnanswered {
            queue: Some(&queue(&[], &[])),
            history: Some(&success()),
            error: "No ComfyUI answers at http://127.0.0.1:8188.",
        },
        0,
    );
    assert!(matches!(effect, Effect::FetchOutputs(_)));
    apply(&mut job, JobEvent::OutputsFetched, 0);
    assert!(matches!(job.state(), JobState::Done { .. }));
}

#[test]
fn a_lost_post_answer_of_a_queued_prompt_follows_it_and_of_an_absent_one_fails() {
    let mut queued = job();
    let listed = queue(&["other"], &[ID]);
    let unanswered = JobEvent::SubmitUnanswered {
        queue: Some(&listed),
        history: None,
        error: "no answer",
    };
    apply(&mut queued, unanswered, 0);
    assert!(matches!(queued.state(), JobState::Queued { place: Some(_) }));

    let mut absent = job();
    let empty = queue(&[], &[]);
    let unanswered = JobEvent::SubmitUnanswered {
        queue: Some(&empty),
        history: None,
        error: "no answer",
    };
    apply(&mut absent, unanswered, 0);
    let JobState::Failed { kind, message, .. } = absent.state() else {
        panic!("{:?}", absent.state())
    };
    assert_eq!(*kind, FailureKind::SubmitRefused { status: 0 });
    assert_eq!(message, "no answer");
}

#[test]
fn history_cleared_after_the_end_ends_lost_after_a_bounded_number_of_looks() {
    let mut job = running_job();
    assert_eq!(
        feed(&mut job, "execution_success", json!({"prompt_id": ID})),
        Effect::FetchHistory
    );
    // Looks come from the retry after each `{}` and from the reconciler, interleaved.
    for look in 1..EMPTY_HISTORY_LOOKS_BEFORE_LOST {
        let effect = if look % 2 == 0 {
            apply(&mut job, JobEvent::History(None), 0)
        } else {
            reconcile_job(&mut job, &queue(&[], &[]), None, false)
        };
        assert_eq!(effect, Effect::RetryHistoryLater, "look {look}");
        assert!(!job.is_terminal());
    }
    assert_eq!(apply(&mut job, JobEvent::History(None), 0), Effect::None);
    assert_eq!(job.state(), &lost(LostReason::HistoryCleared));
}

#[test]
fn history_gone_after_the_end_at_a_reconnect_is_lost_as_cleared_not_as_a_restart() {
    // The soak's two mislabelled shots: the socket reconnected (a restart suspicion) while
    // the run's history was cleared by another client after the run had ended.
    let mut job = running_job();
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    for look in 1..EMPTY_HISTORY_LOOKS_BEFORE_LOST {
        reconcile_job(&mut job, &queue(&[], &[]), None, true);
        assert!(!job.is_terminal(), "look {look}: judged at once");
    }
    reconcile_job(&mut job, &queue(&[], &[]), None, true);
    assert_eq!(job.state(), &lost(LostReason::HistoryCleared));
}

#[test]
fn history_cleared_after_a_failed_run_is_lost_too() {
    let mut job = running_job();
    feed(
        &mut job,
        "execution_error",
        json!({"prompt_id": ID, "node_id": "2", "node_type": "KSampler"}),
    );
    for _ in 0..EMPTY_HISTORY_LOOKS_BEFORE_LOST {
        reconcile_job(&mut job, &queue(&[], &[]), None, false);
    }
    assert_eq!(job.state(), &lost(LostReason::HistoryCleared));
}

#[test]
fn outputs_being_fetched_at_a_reload_are_fetched_again_and_end_the_job() {
    let mut job = running_job();
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    apply(&mut job, JobEvent::History(Some(&success())), 0);
    assert!(matches!(
        job.state(),
        JobState::FetchingOutputs { outputs: Some(_) }
    ));

    let stored = serde_json::to_string(&job).unwrap();
    let mut restored: Job = serde_json::from_str(&stored).unwrap();
    let effect = apply(&mut restored, JobEvent::Restored, 0);
    assert!(matches!(effect, Effect::FetchOutputs(files) if files[0].filename == "out.png"));
    apply(&mut restored, JobEvent::OutputsFetched, 0);
    assert!(matches!(restored.state(), JobState::Done { .. }));

    let mut unavailable: Job = serde_json::from_str(&stored).unwrap();
    apply(&mut unavailable, JobEvent::Restored, 0);
    apply(
        &mut unavailable,
        JobEvent::OutputsUnavailable {
            reason: "ComfyUI finished the run, but out.png could not be downloaded",
        },
        0,
    );
    assert!(matches!(
        unavailable.state(),
        JobState::Failed {
            kind: FailureKind::OutputsUnavailable,
            ..
        }
    ));
}

#[test]
fn history_that_is_never_readable_fails_the_job_with_what_it_answered() {
    let mut job = running_job();
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    let reason = "http://127.0.0.1:8188/api/history/x answered, but not with ComfyUI's JSON";
    for _ in 1..UNREADABLE_HISTORY_BEFORE_FAILED {
        apply(&mut job, JobEvent::HistoryUnreadable { reason }, 0);
        assert!(!job.is_terminal());
    }
    apply(&mut job, JobEvent::HistoryUnreadable { reason }, 0);
    let JobState::Failed { kind, message, .. } = job.state() else {
        panic!("{:?}", job.state())
    };
    assert_eq!(*kind, FailureKind::VerdictUnreadable);
    assert_eq!(message, reason);
}

#[test]
fn cancel_of_a_submission_cut_off_by_a_reload_ends_cancelled() {
    // Never reached the server: absent from both lists after the delete.
    let mut job1 = after_reload(&job());
    assert_eq!(
        apply(&mut job1, JobEvent::CancelRequested, 0),
        Effect::DeleteFromQueue
    );
    reconcile_job(&mut job1, &queue(&[], &[]), None, true);
    assert_eq!(job1.state(), &JobState::Cancelled);

    // Reached it, and the snapshot still lists it: deleted again, then confirmed.
    let mut job2 = after_reload(&job());
    apply(&mut job2, JobEvent::CancelRequested, 0);
    assert_eq!(
        reconcile_job(&mut job2, &queue(&["other"], &[ID]), None, true),
        Effect::DeleteFromQueue
    );
    reconcile_job(&mut job2, &queue(&["other"], &[]), None, false);
    assert_eq!(job2.state(), &JobState::Cancelled);

    // Reached it and started: the cancel becomes an interrupt.
    let mut job3 = after_reload(&job());
    apply(&mut job3, JobEvent::CancelRequested, 0);
    assert_eq!(
        reconcile_job(&mut job3, &queue(&[ID], &[]), None, true),
        Effect::Interrupt
    );
    apply(&mut job3, JobEvent::History(Some(&interrupted())), 0);
    assert_eq!(job3.state(), &JobState::Cancelled);
}

#[test]
fn cancel_while_the_post_is_in_flight_and_its_answer_is_lost_ends_cancelled() {
    let mut job = job();
    apply(&mut job, JobEvent::CancelRequested, 0);
    let empty = queue(&[], &[]);
    let unanswered = JobEvent::SubmitUnanswered {
        queue: Some(&empty),
        history: None,
        error: "no answer",
    };
    apply(&mut job, unanswered, 0);
    assert_eq!(job.state(), &JobState::Cancelled);
}

#[test]
fn cancel_while_submitting_seen_pending_first_still_deletes() {
    // A snapshot can show the prompt pending before the POST's answer arrives.
    let mut job = job();
    apply(&mut job, JobEvent::CancelRequested, 0);
    assert_eq!(
        apply(&mut job, JobEvent::Queue(&queue(&["other"], &[ID])), 0),
        Effect::DeleteFromQueue
    );
}

#[test]
fn cancel_in_each_unfinished_state_asks_the_server_or_lets_the_finished_run_end() {
    let mut queued = job();
    apply(&mut queued, JobEvent::SubmitAccepted, 0);
    assert_eq!(
        apply(&mut queued, JobEvent::CancelRequested, 0),
        Effect::DeleteFromQueue
    );

    let mut running = running_job();
    assert_eq!(
        apply(&mut running, JobEvent::CancelRequested, 0),
        Effect::Interrupt
    );
    assert_eq!(running.cancel_requested(), Some(CancelRequest::Interrupt));

    // Fetching outputs: the run is over and kept its files; the fetch ends the job.
    let mut fetching = running_job();
    feed(&mut fetching, "execution_success", json!({"prompt_id": ID}));
    apply(&mut fetching, JobEvent::History(Some(&success())), 0);
    assert_eq!(apply(&mut fetching, JobEvent::CancelRequested, 0), Effect::None);
    apply(&mut fetching, JobEvent::OutputsFetched, 0);
    assert!(matches!(fetching.state(), JobState::Done { .. }));
}

#[test]
fn a_job_stored_before_these_bounds_existed_still_loads() {
    let mut stored = serde_json::to_value(job()).unwrap();
    let fields = stored.as_object_mut().unwrap();
    for field in ["submit_orphaned", "empty_history_looks", "unreadable_history"] {
        assert!(fields.remove(field).is_some(), "{field}");
    }
    let job: Job = serde_json::from_value(stored).unwrap();
    assert_eq!(job.state(), &JobState::Submitting);
    assert!(!job.submit_orphaned());
}
