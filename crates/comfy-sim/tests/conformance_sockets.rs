//! Socket behaviour replayed from traces i (reconnecting mid-run) and j (feature flags and
//! binary previews).

mod common;

use common::trace::{
    Trace, assert_same_keys, assert_same_shapes, collapse_steps, kinds, prompt_window, shapes,
};
use common::{Frame, spawn_default};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Length of a ComfyUI-generated sid: a uuid4 in hex without dashes (trace i, phase 3).
const GENERATED_SID_HEX_CHARS: usize = 32;

fn resubmittable(body: &Value, client_id: &str, delay_s: f64) -> (String, Value) {
    let mut body = body.clone();
    let prompt_id = uuid::Uuid::new_v4().to_string();
    body["prompt"]["2"]["inputs"]["delay"] = json!(delay_s);
    body["client_id"] = json!(client_id);
    body["prompt_id"] = json!(prompt_id);
    (prompt_id, body)
}

#[tokio::test]
async fn a_socket_reopened_mid_run_learns_the_running_node_and_gets_the_rest_like_trace_i() {
    let trace = Trace::load("i_ws_reconnect");
    let recorded_status = trace
        .events()
        .find(|event| event["conn"] == "second" && event["kind"] == "ws_message")
        .map(|event| event["msg"]["data"].clone())
        .expect("status on reconnect");
    let recorded_node = trace
        .events()
        .filter(|event| event["conn"] == "second" && event["kind"] == "ws_message")
        .nth(1)
        .map(|event| event["msg"].clone())
        .expect("executing on reconnect");
    let sim = spawn_default().await;
    let mut first = sim.socket("returning").await;
    first.next_json().await;
    let submissions = trace.submissions();
    let (prompt_id, body) = resubmittable(&submissions[0].0, "returning", 0.3);
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    while first.next_frame().await.expect("open").kind() != "progress" {}
    // Had the server ended the first connection only after the second registered, its
    // bookkeeping would take "returning" away from the second (see one_socket_per_client).
    first.close_and_wait().await;

    let mut other = sim.socket("someone-else").await;
    let anonymous = sim.socket("").await.next_json().await;
    let mut second = sim.socket("returning").await;
    let status = second.next_json().await;
    assert_same_keys(&recorded_status, &status["data"], "status on reconnect");
    let executing = second.next_json().await;
    assert_eq!(
        executing, recorded_node,
        "running node without prompt_id or display_node"
    );
    let frames = second.frames_until_done(&prompt_id).await;
    let recorded = trace.prompt_messages("second", &submissions[0].1);
    let ours = prompt_window(&shapes(&frames), &prompt_id);
    assert_eq!(collapse_steps(&kinds(&ours)), collapse_steps(&kinds(&recorded)));
    assert_same_shapes(
        &recorded[recorded.len() - 3..],
        &ours[ours.len() - 3..],
        "end of the prompt",
    );

    let sid = anonymous["data"]["sid"].as_str().unwrap_or_default().to_owned();
    assert_eq!(sid.len(), GENERATED_SID_HEX_CHARS, "the server makes up a sid");
    assert!(sid.chars().all(|c| c.is_ascii_hexdigit()));
    loop {
        let frame = other.next_frame().await.expect("open");
        assert_eq!(
            frame.kind(),
            "status",
            "another client sees only status broadcasts"
        );
        if frame.json()["data"]["status"]["exec_info"]["queue_remaining"] == 0 {
            break;
        }
    }
}

#[tokio::test]
async fn previews_are_type_4_only_after_feature_flags_as_the_first_message_like_trace_j() {
    let trace = Trace::load("j_previews");
    let submissions = trace.submissions();
    let recorded_reply = trace
        .events()
        .find(|event| event["kind"] == "ws_message" && event["msg"]["type"] == "feature_flags")
        .map(|event| event["msg"].clone())
        .expect("feature_flags reply");
    let sim = spawn_default().await;

    let mut flags = sim.socket("flags").await;
    flags.next_json().await;
    flags
        .send_json(&json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}}))
        .await;
    let reply = flags.next_json().await;
    assert_eq!(reply, recorded_reply);
    let (with_metadata, body) = resubmittable(&submissions[0].0, "flags", 0.0);
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    let frames = flags.frames_until_done(&with_metadata).await;
    let recorded = trace.prompt_messages("flags", &submissions[0].1);
    assert_same_shapes(
        &recorded,
        &prompt_window(&shapes(&frames), &with_metadata),
        "run with flags",
    );

    let mut plain = sim.socket("plain").await;
    plain.next_json().await;
    let (without_metadata, body) = resubmittable(&submissions[1].0, "plain", 0.0);
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    let frames = plain.frames_until_done(&without_metadata).await;
    let recorded = trace.prompt_messages("noflags", &submissions[1].1);
    assert_same_shapes(
        &recorded,
        &prompt_window(&shapes(&frames), &without_metadata),
        "run without flags",
    );
    let legacy_types: Vec<u32> = frames
        .iter()
        .filter_map(|frame| match frame {
            Frame::Binary(bytes) => Some(u32::from_be_bytes(bytes[4..8].try_into().ok()?)),
            Frame::Json(_) => None,
        })
        .collect();
    assert_eq!(
        legacy_types,
        [1, 1, 1, 2],
        "JPEG previews, then the PNG of SaveImageWebsocket"
    );

    let mut late = sim.socket("late").await;
    late.next_json().await;
    late.send_raw(Message::text(json!({"type": "hello", "data": {}}).to_string()))
        .await;
    late.send_json(&json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}}))
        .await;
    let (late_id, body) = resubmittable(&submissions[1].0, "late", 0.0);
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    let frames = late.frames_until_done(&late_id).await;
    assert!(
        frames.iter().all(|frame| frame.kind() != "feature_flags"),
        "no reply to late flags"
    );
    assert!(
        frames.iter().all(|frame| frame.kind() != "binary:4"),
        "late flags are ignored"
    );
}
