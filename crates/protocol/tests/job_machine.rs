//! The job state machine on situations the recordings do not show in full: duplicates,
//! stale snapshots, refused submits, progress, persistence.

mod support;

use serde_json::json;
use shotline_protocol::http::PromptRejected;
use shotline_protocol::job::{FailureKind, running_prompt};
use shotline_protocol::{Effect, Job, JobEvent, JobState, apply, reconcile_job};
use support::jobs::{ID, done_job, feed, interrupted, job, message, queue, running_job, success};

#[test]
fn late_and_duplicate_events_for_a_done_job_change_nothing() {
    let mut job = done_job();
    let before = job.clone();
    assert!(matches!(job.state(), JobState::Done { .. }));
    assert_eq!(
        feed(&mut job, "executing", json!({"node": "2", "prompt_id": ID})),
        Effect::None
    );
    assert_eq!(
        feed(
            &mut job,
            "execution_error",
            json!({"prompt_id": ID, "node_id": "2", "node_type": "X"})
        ),
        Effect::None
    );
    assert_eq!(
        apply(&mut job, JobEvent::History(Some(&interrupted())), 0),
        Effect::None
    );
    assert_eq!(apply(&mut job, JobEvent::CancelRequested, 0), Effect::None);
    assert_eq!(
        reconcile_job(&mut job, &queue(&[], &[]), None, true),
        Effect::None
    );
    assert_eq!(job, before);
}

#[test]
fn a_prompt_still_being_submitted_is_not_lost_to_a_restart_seen_before_it_arrived() {
    // The socket reopened (a restart is suspected) while the POST was on its way: the
    // snapshot was taken before the server had the prompt, so it is in neither list.
    let mut submitting = job();
    assert_eq!(
        reconcile_job(&mut submitting, &queue(&[], &[]), None, true),
        Effect::None
    );
    assert_eq!(submitting.state(), &JobState::Submitting);
    // Once the server accepted it, a restart that forgot it is what happened.
    let mut queued = job();
    apply(&mut queued, JobEvent::SubmitAccepted, 0);
    reconcile_job(&mut queued, &queue(&[], &[]), None, true);
    assert!(matches!(queued.state(), JobState::Lost { .. }));
}

#[test]
fn events_naming_another_prompt_are_ignored() {
    let mut job = running_job();
    let before = job.clone();
    feed(
        &mut job,
        "execution_success",
        json!({"prompt_id": "someone-else"}),
    );
    assert_eq!(job, before);
}

#[test]
fn running_shows_the_node_title_and_counts_cached_nodes_as_done() {
    let mut job = running_job();
    feed(
        &mut job,
        "execution_cached",
        json!({"prompt_id": ID, "nodes": ["1"]}),
    );
    feed(
        &mut job,
        "executing",
        json!({"node": "2", "display_node": "2", "prompt_id": ID}),
    );
    apply(
        &mut job,
        JobEvent::Message(&message(
            "progress",
            json!({"value": 5, "max": 20, "prompt_id": ID, "node": "2"}),
        )),
        1_000,
    );
    apply(
        &mut job,
        JobEvent::Message(&message(
            "progress",
            json!({"value": 10, "max": 20, "prompt_id": ID, "node": "2"}),
        )),
        3_000,
    );
    let JobState::Running(progress) = job.state() else {
        panic!("{:?}", job.state())
    };
    assert_eq!(progress.node_title.as_deref(), Some("Main sampler"));
    assert_eq!((progress.step, progress.max), (Some(10), Some(20)));
    assert_eq!((progress.nodes_done, progress.nodes_total), (1, 3));
    assert_eq!(progress.overall_pct, 50, "(1 cached + half of node 2) of 3 nodes");
    assert_eq!(progress.eta_ms, Some(4_000), "5 steps in 2 s, 10 steps left");
}

#[test]
fn history_still_empty_after_the_run_ended_asks_to_retry_later() {
    let mut job = running_job();
    assert_eq!(
        feed(&mut job, "execution_success", json!({"prompt_id": ID})),
        Effect::FetchHistory
    );
    assert_eq!(
        feed(&mut job, "executing", json!({"node": null, "prompt_id": ID})),
        Effect::None
    );
    assert_eq!(
        apply(&mut job, JobEvent::History(None), 0),
        Effect::RetryHistoryLater
    );
    let effect = apply(&mut job, JobEvent::History(Some(&success())), 0);
    assert!(matches!(effect, Effect::FetchOutputs(files) if files[0].filename == "out.png"));
}

#[test]
fn stale_queue_snapshot_never_moves_a_running_job_back_to_the_queue() {
    let mut job = running_job();
    apply(&mut job, JobEvent::Queue(&queue(&["other"], &[ID])), 0);
    assert!(matches!(job.state(), JobState::Running(_)));
}

#[test]
fn submit_answered_500_fails_with_the_body_shown_and_long_bodies_cut() {
    let mut job = job();
    let body = "500 Internal Server Error\n\nServer got itself in trouble";
    apply(&mut job, JobEvent::SubmitFailed { status: 500, body }, 0);
    assert_eq!(
        job.state(),
        &JobState::Failed {
            node: None,
            class: None,
            message: body.to_owned(),
            kind: FailureKind::SubmitRefused { status: 500 },
        }
    );
    let mut job = self::job();
    let page = "<html>".repeat(10_000);
    apply(
        &mut job,
        JobEvent::SubmitFailed {
            status: 413,
            body: &page,
        },
        0,
    );
    let JobState::Failed { message, .. } = job.state() else {
        panic!()
    };
    assert_eq!(message.chars().count(), 2000);
}

#[test]
fn missing_node_type_of_newer_servers_fails_naming_node_and_class() {
    let rejected: PromptRejected = serde_json::from_value(json!({
        "error": {"type": "missing_node_type", "message": "Node 'Upscaler' not found. The custom node may not be installed.",
                  "details": "Node ID '#7'", "extra_info": {"node_id": "7", "class_type": "UltimateSDUpscale", "node_title": "Upscaler"}},
        "node_errors": {}
    }))
    .unwrap();
    let mut job = job();
    apply(&mut job, JobEvent::SubmitRejected(&rejected), 0);
    let JobState::Failed {
        node, class, kind, ..
    } = job.state()
    else {
        panic!("{:?}", job.state())
    };
    assert_eq!(
        (node.as_deref(), class.as_deref(), *kind),
        (Some("7"), Some("UltimateSDUpscale"), FailureKind::Validation)
    );
}

#[test]
fn outputs_that_cannot_be_fetched_fail_the_job() {
    let mut job = running_job();
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    apply(&mut job, JobEvent::History(Some(&success())), 0);
    apply(
        &mut job,
        JobEvent::OutputsUnavailable {
            reason: "/view answered 404 three times",
        },
        0,
    );
    assert!(matches!(
        job.state(),
        JobState::Failed {
            kind: FailureKind::OutputsUnavailable,
            ..
        }
    ));
}

#[test]
fn job_survives_a_round_trip_through_storage() {
    let job = running_job();
    let stored = serde_json::to_string(&job).unwrap();
    assert_eq!(serde_json::from_str::<Job>(&stored).unwrap(), job);
}

#[test]
fn two_jobs_both_running_give_no_running_prompt_to_attribute_to() {
    let one = running_job();
    assert_eq!(running_prompt([&one]), Some(ID));
    let two = running_job();
    assert_eq!(running_prompt([&one, &two]), None);
}

#[test]
fn giving_up_on_an_unreachable_server_makes_the_job_lost_and_later_news_changes_nothing() {
    let mut job = running_job();
    assert_eq!(apply(&mut job, JobEvent::GivenUp, 0), Effect::None);
    assert_eq!(
        job.state(),
        &JobState::Lost {
            reason: shotline_protocol::job::LostReason::ServerUnreachable
        }
    );
    // The server comes back having finished it after all: the job stays as the user left it.
    let before = job.clone();
    assert_eq!(
        apply(&mut job, JobEvent::History(Some(&success())), 0),
        Effect::None
    );
    assert_eq!(job, before);
}

#[test]
fn giving_up_on_a_finished_job_changes_nothing() {
    let mut job = done_job();
    let before = job.clone();
    assert_eq!(apply(&mut job, JobEvent::GivenUp, 0), Effect::None);
    assert_eq!(job, before);
}
