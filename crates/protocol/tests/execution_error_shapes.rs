//! `execution_error` and `executed` in every shape ComfyUI 0.3.64 sends them, read
//! without losing what the person is shown: the failing node, its class, the message.

mod support;

use serde_json::json;
use shotline_protocol::job::FailureKind;
use shotline_protocol::ws::ExecutionError;
use shotline_protocol::{Effect, JobEvent, JobState, ServerMessage, apply};
use support::jobs::{ID, feed, history, job, running_job};
use support::{events, failure, trace};

/// What `handle_execution_error` sends for a dependency cycle found while running
/// (comfy_execution/graph.py ~220-228: `current_inputs: []`, no traceback).
fn dependency_cycle() -> serde_json::Value {
    json!({
        "prompt_id": ID, "node_id": "2", "node_type": "KSampler", "executed": ["1"],
        "exception_message": "Dependency cycle detected",
        "exception_type": "graph.DependencyCycleError",
        "traceback": [], "current_inputs": [], "current_outputs": ["1"]
    })
}

/// What a node that returned an `ExecutionBlocker` with a message sends (execution.py ~486).
fn execution_blocked() -> serde_json::Value {
    json!({
        "prompt_id": ID, "node_id": "2", "node_type": "KSampler", "executed": [],
        "exception_message": "Execution Blocked: no face found",
        "exception_type": "ExecutionBlocked",
        "traceback": [], "current_inputs": [], "current_outputs": []
    })
}

fn parse_error(data: serde_json::Value) -> ExecutionError {
    let text = json!({"type": "execution_error", "data": data}).to_string();
    match ServerMessage::parse(&text) {
        Ok(ServerMessage::ExecutionError(error)) => error,
        other => panic!("expected an execution_error, got {other:?}"),
    }
}

#[test]
fn recorded_execution_error_reads_inputs_by_name_and_outputs_as_a_node_list() {
    let trace = trace("b_execution_error.json");
    let data = events(&trace)
        .iter()
        .find(|e| e["kind"] == "ws_message" && e["msg"]["type"] == "execution_error")
        .map(|e| e["msg"]["data"].clone())
        .expect("trace b records an execution_error");
    let error = parse_error(data);
    assert_eq!(error.current_outputs, ["2", "3", "1"]);
    assert_eq!(error.current_inputs.keys().collect::<Vec<_>>(), ["image"]);
    assert_eq!(error.exception_message, "intentional failure for tracing\n");
}

#[test]
fn dependency_cycle_and_blocked_errors_with_list_inputs_parse_naming_node_and_reason() {
    let cycle = parse_error(dependency_cycle());
    assert!(cycle.current_inputs.is_empty());
    assert_eq!(cycle.current_outputs, ["1"]);
    assert_eq!(
        (cycle.node_id.as_str(), cycle.exception_message.as_str()),
        ("2", "Dependency cycle detected")
    );
    let blocked = parse_error(execution_blocked());
    assert_eq!(blocked.exception_message, "Execution Blocked: no face found");
    assert!(blocked.current_outputs.is_empty());
}

#[test]
fn odd_current_inputs_and_outputs_shapes_never_cost_the_message() {
    let mut data = dependency_cycle();
    data["current_inputs"] = json!(null);
    data["current_outputs"] = json!({"1": true});
    let error = parse_error(data);
    assert_eq!(error.exception_type, "graph.DependencyCycleError");
    assert_eq!(error.current_outputs, ["1"]);
}

#[test]
fn dependency_cycle_in_history_fails_the_job_with_the_servers_sentence() {
    let mut job = running_job();
    assert_eq!(
        feed(&mut job, "execution_error", dependency_cycle()),
        Effect::FetchHistory
    );
    let entry = history(
        "error",
        json!([["execution_error", dependency_cycle()]]),
        json!({}),
    );
    apply(&mut job, JobEvent::History(Some(&entry)), 0);
    assert_eq!(
        failure(job.state()),
        (
            Some("2"),
            Some("KSampler"),
            "Dependency cycle detected",
            FailureKind::Execution
        )
    );
}

#[test]
fn blocked_node_in_history_fails_the_job_saying_what_blocked_it() {
    let mut job = running_job();
    feed(&mut job, "execution_error", execution_blocked());
    let entry = history(
        "error",
        json!([["execution_error", execution_blocked()]]),
        json!({}),
    );
    apply(&mut job, JobEvent::History(Some(&entry)), 0);
    assert_eq!(failure(job.state()).2, "Execution Blocked: no face found");
}

#[test]
fn executed_with_a_null_output_parses_and_counts_the_node_as_finished() {
    let text = json!({"type": "executed", "data": {
        "node": "3", "display_node": "3", "output": null, "prompt_id": ID
    }})
    .to_string();
    let Ok(ServerMessage::Executed(executed)) = ServerMessage::parse(&text) else {
        panic!("executed with output null must parse");
    };
    assert_eq!(executed.output, Default::default());
    let mut job = job();
    apply(&mut job, JobEvent::SubmitAccepted, 0);
    feed(&mut job, "execution_start", json!({"prompt_id": ID}));
    feed(
        &mut job,
        "executed",
        json!({"node": "3", "output": null, "prompt_id": ID}),
    );
    let JobState::Running(run) = job.state() else {
        panic!("expected Running, got {:?}", job.state());
    };
    assert_eq!(run.nodes_done, 1);
}
