//! Drives the simulator the way the recorder drove ComfyUI and compares: the sequence of
//! message types per prompt, JSON key sets, status codes and error types.

mod common;

use std::collections::BTreeSet;

use common::{Frame, TestSim, load_fixture, spawn_default};
use serde_json::{Value, json};

/// Types of the socket messages that carry `prompt_id`, in order, for one prompt of a trace.
fn recorded_types(trace: &Value, prompt_id: &str) -> Vec<String> {
    trace["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|event| event["kind"] == "ws_message" && event["msg"]["data"]["prompt_id"] == prompt_id)
        .map(|event| event["msg"]["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn our_types(frames: &[Frame], prompt_id: &str) -> Vec<String> {
    frames
        .iter()
        .filter(|frame| frame.json()["data"]["prompt_id"] == prompt_id)
        .map(Frame::kind)
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default()
}

/// Submits `workflow` under a fresh id and returns the POST body and the prompt's frames.
async fn run_prompt(sim: &TestSim, client_id: &str, workflow: &Value) -> (Value, Vec<Frame>) {
    let mut socket = sim.socket(client_id).await;
    socket.next_json().await;
    let prompt_id = uuid::Uuid::new_v4().to_string();
    let response = sim
        .post_json(
            "/prompt",
            &json!({"prompt": workflow, "client_id": client_id, "prompt_id": prompt_id}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    let frames = socket.frames_until_done(&prompt_id).await;
    (body, frames)
}

fn first_prompt_id(trace: &Value) -> String {
    trace["prompt_id"].as_str().map(str::to_owned).unwrap_or_else(|| {
        let post = trace["events"].as_array().into_iter().flatten().find(|event| {
            event["kind"] == "http_response" && event["path"] == "/prompt" && event["status"] == 200
        });
        post.map(|event| event["json"]["prompt_id"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn success_error_and_progress_prompts_send_the_recorded_message_sequences() {
    let sim = spawn_default().await;
    for name in ["a_success_image", "b_execution_error", "g_progress"] {
        let trace = load_fixture(&format!("traces/{name}.json"));
        let workflow = &trace["workflow"];
        let (body, frames) = run_prompt(&sim, "conformance", workflow).await;
        assert_eq!(
            keys(&body),
            keys(&json!({"prompt_id": 0, "number": 0, "node_errors": 0}))
        );
        let prompt_id = body["prompt_id"].as_str().expect("id");
        let expected = recorded_types(&trace, &first_prompt_id(&trace));
        assert_eq!(our_types(&frames, prompt_id), expected, "message types of {name}");
        let (_, history) = sim.get_json(&format!("/history/{prompt_id}")).await;
        let entry = &history[prompt_id];
        assert_eq!(
            keys(entry),
            ["meta", "outputs", "prompt", "status"].map(String::from).into()
        );
        let status = if name.starts_with('b') { "error" } else { "success" };
        assert_eq!(entry["status"]["status_str"], status, "{name}");
    }
}

#[tokio::test]
async fn identical_resubmission_is_fully_cached_like_trace_a_phase_2() {
    let sim = spawn_default().await;
    let trace = load_fixture("traces/a_success_image.json");
    let (_, first) = run_prompt(&sim, "cache", &trace["workflow"]).await;
    let (body, second) = run_prompt(&sim, "cache", &trace["workflow"]).await;
    let prompt_id = body["prompt_id"].as_str().expect("id");
    let cached = second
        .iter()
        .find(|frame| frame.kind() == "execution_cached")
        .expect("execution_cached");
    assert_eq!(cached.json()["data"]["nodes"], json!(["1", "2"]));
    assert!(
        !our_types(&second, prompt_id).contains(&"executing".to_owned()) || {
            // Only the final `executing {node: null}` may appear.
            our_types(&second, prompt_id)
                .iter()
                .filter(|kind| *kind == "executing")
                .count()
                == 1
        }
    );
    let old_output = first
        .iter()
        .find(|frame| frame.kind() == "executed")
        .map(|frame| frame.json()["data"]["output"].clone());
    let new_output = second
        .iter()
        .find(|frame| frame.kind() == "executed")
        .map(|frame| frame.json()["data"]["output"].clone());
    assert_eq!(
        old_output, new_output,
        "a cached output node reports the old files"
    );
}

#[tokio::test]
async fn every_validation_case_of_trace_c_gets_the_recorded_status_and_error_type() {
    let sim = spawn_default().await;
    let trace = load_fixture("traces/c_validation_error.json");
    let events = trace["events"].as_array().expect("events");
    let mut checked = 0;
    for request in events
        .iter()
        .filter(|event| event["kind"] == "http_request" && event["path"] == "/prompt")
    {
        let recorded = events
            .iter()
            .find(|event| event["kind"] == "http_response" && event["id"] == request["id"])
            .expect("paired response");
        let body = match (&request["json"], &request["raw_body"]) {
            (Value::Null, Value::String(raw)) => raw.clone(),
            (json, _) => json.to_string(),
        };
        let response = sim
            .http
            .post(sim.url("/prompt"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answer");
        assert_eq!(
            response.status().as_u16(),
            recorded["status"].as_u64().unwrap_or_default() as u16
        );
        if let Some(expected) = recorded.get("json") {
            let got: Value = response.json().await.expect("JSON");
            assert_eq!(keys(&got), keys(expected));
            assert_eq!(
                got["error"]["type"], expected["error"]["type"],
                "request {}",
                request["id"]
            );
            assert_eq!(keys(&got["node_errors"]), keys(&expected["node_errors"]));
            for (node, errors) in expected["node_errors"].as_object().into_iter().flatten() {
                assert_eq!(
                    got["node_errors"][node]["errors"][0]["type"],
                    errors["errors"][0]["type"]
                );
                assert_eq!(keys(&got["node_errors"][node]), keys(errors));
            }
        } else {
            assert_eq!(
                response.text().await.expect("text"),
                recorded["text"].as_str().unwrap_or_default()
            );
        }
        checked += 1;
    }
    assert!(checked >= 12, "all /prompt cases of trace c were replayed");
}

/// execution.py sends the ids of the prompt's cached nodes as a list (trace b:
/// `["2", "3", "1"]`, a Python set, so in no particular order).
#[tokio::test]
async fn execution_error_lists_current_outputs_as_node_ids_like_trace_b() {
    let sim = spawn_default().await;
    let trace = load_fixture("traces/b_execution_error.json");
    let recorded = trace["events"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|event| event["kind"] == "ws_message" && event["msg"]["type"] == "execution_error")
        .map(|event| event["msg"]["data"].clone())
        .expect("recorded execution_error");
    let (body, frames) = run_prompt(&sim, "errors", &trace["workflow"]).await;
    let ours = frames
        .iter()
        .find(|frame| frame.kind() == "execution_error")
        .map(|frame| frame.json()["data"].clone())
        .expect("execution_error");
    assert_eq!(keys(&ours), keys(&recorded));
    let as_set = |list: &Value| -> Option<BTreeSet<String>> {
        list.as_array().map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        })
    };
    assert_eq!(
        as_set(&ours["current_outputs"]),
        as_set(&recorded["current_outputs"])
    );
    let prompt_id = body["prompt_id"].as_str().expect("id");
    let (_, history) = sim.get_json(&format!("/history/{prompt_id}")).await;
    let last = history[prompt_id]["status"]["messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .cloned()
        .expect("messages");
    assert_eq!(
        as_set(&last[1]["current_outputs"]),
        as_set(&recorded["current_outputs"])
    );
}
