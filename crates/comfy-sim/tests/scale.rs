//! Many sockets at once, and a socket that stops reading: nothing may be lost for healthy
//! clients, and a stalled one is cut off instead of slowing anyone down. Every socket has
//! its own clientId: ComfyUI keeps one socket per clientId (see one_socket_per_client).
//! These tests check outcomes only; `cargo run -p comfy-sim --release --example scale`
//! prints the figures.

mod common;

use common::{Frame, Socket, TestSim, spawn_default};
use futures_util::future::join_all;
use serde_json::{Value, json};

/// Sockets in the fan-out test, as the scale target asks.
const CONCURRENT_CLIENTS: usize = 100;
/// Steps of each client's own prompt in the fan-out test; with two messages per step and
/// the other clients' status broadcasts, every share stays far below the server's
/// 4,096-message outbox, so no healthy client can be cut off on a slow machine.
const FAN_OUT_STEPS: u64 = 20;
/// SlowCounter's largest `steps`.
const MAX_COUNTER_STEPS: u64 = 1000;
/// Chained counters for the stall test: 10,000 messages, about twice what fills the kernel's
/// socket buffers plus the stalled client's outbox (it received 4,682 before being cut off).
const STALL_COUNTERS: u64 = 5;

/// EmptyImage of `color` → `counters` SlowCounters in a row, `steps` each → SaveImage; the
/// colour keeps prompts of different clients from being served from the cache.
fn counter_workflow(counters: u64, steps: u64, color: u64) -> Value {
    let mut workflow = json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": color}},
    });
    for counter in 2..counters + 2 {
        let previous = (counter - 1).to_string();
        workflow[counter.to_string()] = json!({"class_type": "SlowCounter",
            "inputs": {"image": [previous, 0], "steps": steps, "delay": 0.0}});
    }
    workflow[(counters + 2).to_string()] = json!({"class_type": "SaveImage",
        "inputs": {"images": [(counters + 1).to_string(), 0], "filename_prefix": "scale"}});
    workflow
}

async fn submit(sim: &TestSim, client_id: &str, counters: u64, steps: u64, color: u64) -> String {
    let prompt_id = uuid::Uuid::new_v4().to_string();
    let workflow = counter_workflow(counters, steps, color);
    let body = json!({"prompt": workflow, "client_id": client_id, "prompt_id": prompt_id});
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    prompt_id
}

/// The `value`s of the prompt's `progress` messages, in the order they arrived.
fn progress_values(frames: &[Frame]) -> Vec<u64> {
    frames
        .iter()
        .filter(|frame| frame.kind() == "progress")
        .filter_map(|frame| frame.json()["data"]["value"].as_u64())
        .collect()
}

async fn frames_of(mut socket: Socket, prompt_id: String) -> Vec<Frame> {
    socket.frames_until_done(&prompt_id).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_clients_each_receive_every_message_of_their_own_prompt_in_order() {
    let sim = spawn_default().await;
    let mut sockets = Vec::new();
    for client in 0..CONCURRENT_CLIENTS {
        let mut socket = sim.socket(&format!("crowd-{client}")).await;
        socket.next_json().await;
        sockets.push(socket);
    }
    let mut prompt_ids = Vec::new();
    for (client, color) in (0..CONCURRENT_CLIENTS).zip(0u64..) {
        prompt_ids.push(submit(&sim, &format!("crowd-{client}"), 1, FAN_OUT_STEPS, color).await);
    }
    let received = join_all(
        sockets
            .into_iter()
            .zip(prompt_ids.iter().cloned())
            .map(|(socket, prompt_id)| frames_of(socket, prompt_id)),
    )
    .await;
    let expected: Vec<u64> = (1..=FAN_OUT_STEPS).collect();
    for (frames, prompt_id) in received.iter().zip(&prompt_ids) {
        assert_eq!(progress_values(frames), expected);
        assert!(
            frames.iter().all(|frame| frame.json()["data"]["prompt_id"]
                .as_str()
                .is_none_or(|id| id == prompt_id)),
            "a client hears only its own prompt's events"
        );
        assert!(frames.iter().any(|frame| frame.kind() == "status"));
    }
}

/// Single-threaded, so the stalled socket cannot be rescued by a spare core: if one client
/// could block delivery, the healthy one would never see the end of its prompt, queued
/// behind the stalled client's.
#[tokio::test(flavor = "current_thread")]
async fn a_socket_that_stops_reading_is_disconnected_and_the_others_get_everything() {
    let sim = spawn_default().await;
    let mut healthy = sim.socket("healthy").await;
    healthy.next_json().await;
    let mut stalled = sim.socket_with_tiny_receive_buffer("stalled").await;
    let stalled_prompt = submit(&sim, "stalled", STALL_COUNTERS, MAX_COUNTER_STEPS, 0).await;
    let prompt_id = submit(&sim, "healthy", STALL_COUNTERS, MAX_COUNTER_STEPS, 1).await;

    let healthy_frames = healthy.frames_until_done(&prompt_id).await;
    let expected: Vec<u64> = (0..STALL_COUNTERS).flat_map(|_| 1..=MAX_COUNTER_STEPS).collect();
    assert_eq!(progress_values(&healthy_frames), expected);

    let mut stalled_frames = Vec::new();
    while let Some(frame) = stalled.next_frame().await {
        stalled_frames.push(frame);
    }
    assert!(
        progress_values(&stalled_frames).len() < expected.len(),
        "the stalled socket was closed before the end of its prompt ({} of {} steps)",
        progress_values(&stalled_frames).len(),
        expected.len()
    );
    assert!(stalled_frames.iter().all(|frame| {
        frame.json()["data"]["prompt_id"]
            .as_str()
            .is_none_or(|id| id == stalled_prompt)
    }));
}
