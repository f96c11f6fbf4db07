//! Queue positions and deletions replayed from the recordings.

mod support;

use shotline_protocol::job::{LostReason, QueuePlace};
use shotline_protocol::{Effect, JobState, QueueSnapshot, reconcile_job};
use support::replay::Replay;
use support::trace;

/// The (position, ahead) pairs a job showed, in order, and whether it then ran.
fn places(replay: &Replay, prompt_id: &str) -> (Vec<(usize, usize)>, bool) {
    let states = replay.states_of(prompt_id);
    let places = states
        .iter()
        .filter_map(|state| match state {
            JobState::Queued {
                place: Some(QueuePlace { position, ahead }),
            } => Some((*position, *ahead)),
            _ => None,
        })
        .collect();
    (places, states.iter().any(|s| matches!(s, JobState::Running(_))))
}

#[test]
fn queue_positions_count_down_in_the_recorded_run_order_with_front_prompts_first() {
    // Trace d: 062995e4 runs; pending in heap order [-21, 16, -20, 19, 17, 18]; the two
    // `front: true` prompts (-21, then -20) run before the others.
    let replay = Replay::run(&trace("d_queue_positions.json"));
    let expected: [(&str, &[(usize, usize)]); 6] = [
        ("75f07c7b-33fc-4d28-a68f-42ea85c67fc5", &[(1, 1)]),
        ("e12cc59c-fb7a-4049-97c6-0d08178ce857", &[(2, 2), (1, 1)]),
        ("9be49498-8316-49b9-9b5d-e2dc6a4e0fe7", &[(3, 3), (2, 2), (1, 1)]),
        (
            "7450ffc3-0ea8-4fb8-ad91-2d17d9b45be3",
            &[(4, 4), (3, 3), (2, 2), (1, 1)],
        ),
        (
            "e3864772-3958-4d50-a4ba-ccbc7787cad7",
            &[(5, 5), (4, 4), (3, 3), (2, 2), (1, 1)],
        ),
        (
            "b21ffb72-2b6d-413c-b5e1-64805e61e4f5",
            &[(6, 6), (5, 5), (4, 4), (3, 3), (2, 2), (1, 1)],
        ),
    ];
    for (id, positions) in expected {
        assert_eq!(places(&replay, id), (positions.to_vec(), true), "{id}");
    }
    assert_eq!(
        places(&replay, "062995e4-6f4b-4670-af17-5d0e24b45cc9"),
        (vec![], true)
    );
}

#[test]
fn every_queued_prompt_of_the_recording_runs_and_ends_waiting_for_history() {
    let trace = trace("d_queue_positions.json");
    let replay = Replay::run(&trace);
    for id in trace["prompt_ids"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        assert_eq!(
            replay.state(id),
            &JobState::FetchingOutputs { outputs: None },
            "{id}"
        );
        let states = replay.states_of(id);
        let first_run = states
            .iter()
            .position(|s| matches!(s, JobState::Running(_)))
            .unwrap();
        assert!(
            !states[first_run..]
                .iter()
                .any(|s| matches!(s, JobState::Queued { .. })),
            "a running job never goes back to the queue: {states:?}"
        );
    }
}

#[test]
fn deleted_pending_prompt_is_cancelled_once_absent_from_queue_and_history() {
    let trace = trace("f_delete_pending.json");
    let deleted = trace["deleted"].as_str().unwrap();
    let replay = Replay::run(&trace);
    assert_eq!(replay.state(deleted), &JobState::Cancelled);
    // Each poll that no longer lists it asks history how it left, until history answers.
    let (first, rest) = replay.effects_of(deleted).split_first().unwrap();
    assert_eq!(first, &Effect::DeleteFromQueue);
    assert!(
        !rest.is_empty() && rest.iter().all(|e| *e == Effect::FetchHistory),
        "{rest:?}"
    );
}

#[test]
fn deleting_the_running_prompt_does_not_cancel_it() {
    // The recorder also deleted the running b035a030 (a no-op on the server).
    let replay = Replay::run(&trace("f_delete_pending.json"));
    let id = "b035a030-a6da-4613-afb7-af79265435a7";
    assert_eq!(replay.state(id), &JobState::FetchingOutputs { outputs: None });
}

#[test]
fn prompts_cleared_by_another_client_are_lost_after_repeated_absence() {
    // Phase 2 of trace f: `{"clear": true}` dropped two pending prompts of this client.
    let replay = Replay::run(&trace("f_delete_pending.json"));
    let cleared = [
        "3ed4c218-eae8-4c0c-b7e7-056cbe44e19d",
        "0a54360b-1862-4318-9d43-b1c6052f59b9",
    ];
    for id in cleared {
        assert!(
            matches!(replay.state(id), JobState::Queued { place: Some(_) }),
            "{id}"
        );
        assert_eq!(replay.effects_of(id).last(), Some(&Effect::FetchHistory), "{id}");
        let mut job = replay.jobs[id].clone();
        let empty = QueueSnapshot::default();
        reconcile_job(&mut job, &empty, None, false);
        reconcile_job(&mut job, &empty, None, false);
        assert!(
            matches!(job.state(), JobState::Queued { .. }),
            "one look is not enough"
        );
        reconcile_job(&mut job, &empty, None, false);
        assert_eq!(
            job.state(),
            &JobState::Lost {
                reason: LostReason::Vanished
            }
        );
    }
}
