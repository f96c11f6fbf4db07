//! Trace i: the socket closed mid-run and reopened with the same clientId.

mod support;

use shotline_protocol::job::attribute_message;
use shotline_protocol::{JobState, ServerMessage};
use support::replay::Replay;
use support::{done_filenames, trace};

const FIRST: &str = "ed90f4c9-45fa-45f1-930a-ef203fd54f18";
const SECOND: &str = "ffad4fda-6cb2-4b33-8486-78bc18ad161b";

fn steps_seen(replay: &Replay, prompt_id: &str) -> Vec<u64> {
    let mut steps: Vec<u64> = replay
        .states_of(prompt_id)
        .iter()
        .filter_map(|state| match state {
            JobState::Running(progress) if progress.node.as_deref() == Some("2") => progress.step,
            _ => None,
        })
        .collect();
    steps.dedup();
    steps
}

#[test]
fn replayed_executing_without_prompt_id_is_attributed_to_the_running_job() {
    // Both reconnects got `executing {"node": "2"}` with no prompt id, each while a
    // different prompt of this client ran.
    let replay = Replay::run(&trace("i_ws_reconnect.json"));
    assert_eq!(
        replay.attributed_without_id,
        [Some(FIRST.to_owned()), Some(SECOND.to_owned())]
    );
}

#[test]
fn broadcasts_are_attributed_to_no_job() {
    let status = ServerMessage::parse(&ServerMessage::status_text(1, Some("76bff49b"))).unwrap();
    assert_eq!(attribute_message(&status, Some(FIRST)), None);
    let unknown = ServerMessage::parse(r#"{"type": "crystools.monitor", "data": {}}"#).unwrap();
    assert_eq!(attribute_message(&unknown, Some(FIRST)), None);
}

#[test]
fn progress_resumes_after_the_reconnect_and_the_job_ends_done() {
    let mut replay = Replay::run(&trace("i_ws_reconnect.json"));
    // Steps 3 to 7 were sent while the socket was closed: lost, never replayed.
    assert_eq!(steps_seen(&replay, FIRST), [1, 2, 8, 9, 10, 11, 12]);
    replay.fetch_all_outputs();
    assert_eq!(done_filenames(replay.state(FIRST)), ["trace_i_00003_.png"]);
}

#[test]
fn second_reconnect_resumes_the_second_prompt_at_the_live_step() {
    let replay = Replay::run(&trace("i_ws_reconnect.json"));
    assert_eq!(
        steps_seen(&replay, SECOND),
        [1, 2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
    );
    assert_eq!(replay.state(SECOND), &JobState::FetchingOutputs { outputs: None });
}
