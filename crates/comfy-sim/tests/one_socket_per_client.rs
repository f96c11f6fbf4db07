//! One socket per clientId, as `server.py`'s `websocket_handler` keeps them: a newer
//! connection with an id takes over its sid, the older one stays open and hears nothing,
//! and when the older one closes it takes the sid out of the table from under the newer
//! one. Checked against aiohttp 3.14.5 running that handler (see the hub module).

mod common;

use std::time::Duration;

use common::trace::Trace;
use common::{Frame, Socket, TestSim, slow_workflow, spawn_default};
use serde_json::{Value, json};

/// Long enough for a tiny prompt to run to its end on a loaded machine.
const SILENCE_WAIT: Duration = Duration::from_millis(1500);

/// Queues a one-step prompt for `client_id` and waits for its history entry.
async fn run_tiny_prompt(sim: &TestSim, client_id: &str) -> String {
    let prompt_id = sim.submit(client_id, &slow_workflow(1, 0.0)).await;
    sim.wait_for_history(&prompt_id).await;
    prompt_id
}

async fn greeted(mut socket: Socket) -> (Socket, Value) {
    let status = socket.next_json().await;
    assert_eq!(status["type"], "status");
    (socket, status)
}

#[tokio::test]
async fn a_second_connection_with_the_same_client_id_silences_the_first() {
    let sim = spawn_default().await;
    let (mut first, _) = greeted(sim.socket("twin").await).await;
    let (mut second, status) = greeted(sim.socket("twin").await).await;
    assert_eq!(status["data"]["sid"], "twin");

    let prompt_id = sim.submit("twin", &slow_workflow(1, 0.0)).await;
    let frames = second.frames_until_done(&prompt_id).await;
    assert!(frames.iter().any(|frame| frame.kind() == "execution_success"));
    assert!(
        first.is_open_and_silent_for(SILENCE_WAIT).await,
        "the replaced connection stays open and gets neither broadcasts nor the prompt's events"
    );
}

#[tokio::test]
async fn closing_the_replaced_connection_leaves_the_newer_one_deaf_until_it_reconnects() {
    let sim = spawn_default().await;
    let (first, _) = greeted(sim.socket("twin").await).await;
    let (mut second, _) = greeted(sim.socket("twin").await).await;
    first.close_and_wait().await;

    run_tiny_prompt(&sim, "someone-else").await;
    run_tiny_prompt(&sim, "twin").await;
    assert!(
        second.is_open_and_silent_for(SILENCE_WAIT).await,
        "no status broadcast and no execution event reaches it, yet it is open"
    );

    let (mut third, _) = greeted(sim.socket("twin").await).await;
    let prompt_id = sim.submit("twin", &slow_workflow(1, 0.0)).await;
    third.frames_until_done(&prompt_id).await;
}

#[tokio::test]
async fn connections_without_a_client_id_each_get_a_fresh_sid_and_the_broadcasts() {
    let sim = spawn_default().await;
    let (mut one, first_status) = greeted(sim.socket_without_client_id().await).await;
    let (mut other, second_status) = greeted(sim.socket_without_client_id().await).await;
    let sid = |status: &Value| status["data"]["sid"].as_str().unwrap_or_default().to_owned();
    for status in [&first_status, &second_status] {
        assert_eq!(sid(status).len(), 32, "a uuid4 in hex");
        assert!(sid(status).chars().all(|c| c.is_ascii_hexdigit()));
    }
    assert_ne!(sid(&first_status), sid(&second_status));
    sim.submit("someone-else", &slow_workflow(1, 0.0)).await;
    for socket in [&mut one, &mut other] {
        let broadcast = socket.next_json().await;
        assert_eq!(broadcast["type"], "status");
        assert!(
            broadcast["data"].get("sid").is_none(),
            "only the greeting names the sid"
        );
    }
}

/// `sockets_metadata` is keyed by sid too: a newer connection starts without flags, and
/// flags sent as the first message of the replaced one are stored for the sid and answered
/// on the newer connection.
#[tokio::test]
async fn feature_flags_belong_to_the_sid_not_to_the_connection() {
    let trace = Trace::load("j_previews");
    let mut body = trace.submissions()[0].0.clone();
    let sim = spawn_default().await;
    let (mut flagged, _) = greeted(sim.socket("tab").await).await;
    let hello = json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}});
    flagged.send_json(&hello).await;
    assert_eq!(flagged.next_json().await["type"], "feature_flags");

    let (mut newer, _) = greeted(sim.socket("tab").await).await;
    body["client_id"] = json!("tab");
    body["prompt_id"] = json!(uuid::Uuid::new_v4().to_string());
    let prompt_id = body["prompt_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    let frames = newer.frames_until_done(&prompt_id).await;
    assert!(
        frames.iter().any(|frame| frame.kind() == "binary:1")
            && frames.iter().all(|frame| frame.kind() != "binary:4"),
        "the newer connection's sid starts without the old one's flags"
    );

    let (mut replaced, _) = greeted(sim.socket("late").await).await;
    let (mut current, _) = greeted(sim.socket("late").await).await;
    replaced.send_json(&hello).await;
    let reply = current.next_json().await;
    assert_eq!(
        reply["type"], "feature_flags",
        "the reply goes to the sid's socket"
    );
    assert!(replaced.is_open_and_silent_for(SILENCE_WAIT).await);
    body["client_id"] = json!("late");
    // Another input, so the run is not served from the cache without previews.
    body["prompt"]["2"]["inputs"]["delay"] = json!(0.01);
    body["prompt_id"] = json!(uuid::Uuid::new_v4().to_string());
    let prompt_id = body["prompt_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    let frames = current.frames_until_done(&prompt_id).await;
    assert!(
        frames
            .iter()
            .any(|frame| matches!(frame, Frame::Binary(_)) && frame.kind() == "binary:4"),
        "flags sent on the replaced connection count for the sid"
    );
}

/// `first_message = False` comes after the handling inside `server.py`'s `try`: a first
/// frame that is not a JSON object raises before it, so flags sent next still count.
#[tokio::test]
async fn a_first_frame_that_is_not_a_json_object_does_not_use_up_the_first_message() {
    let sim = spawn_default().await;
    let (mut socket, _) = greeted(sim.socket("clumsy").await).await;
    socket
        .send_raw(tokio_tungstenite::tungstenite::Message::text("not json"))
        .await;
    socket
        .send_raw(tokio_tungstenite::tungstenite::Message::text("[1, 2]"))
        .await;
    socket
        .send_raw(tokio_tungstenite::tungstenite::Message::binary(vec![1, 2, 3]))
        .await;
    socket
        .send_json(&json!({"type": "feature_flags", "data": {"supports_preview_metadata": true}}))
        .await;
    assert_eq!(socket.next_json().await["type"], "feature_flags");
}
