//! Many sockets at once, and a socket that stops reading: nothing may be lost for healthy
//! clients, and a stalled one is cut off instead of slowing anyone down. These tests check
//! outcomes only; `cargo run -p comfy-sim --release --example scale` prints the figures.

mod common;

use common::{Frame, Socket, TestSim, spawn_default};
use futures_util::future::join_all;
use serde_json::{Value, json};

/// Sockets in the fan-out test, as the scale target asks.
const CONCURRENT_CLIENTS: usize = 100;
/// Two messages per step: every client's share (about 2,000 messages) stays below the
/// server's 4,096-message outbox, so no healthy client can be cut off on a slow machine.
const FAN_OUT_STEPS: u64 = 1000;
/// SlowCounter's largest `steps`.
const MAX_COUNTER_STEPS: u64 = 1000;
/// Chained counters for the stall test: 10,000 messages, about twice what fills the kernel's
/// socket buffers plus the stalled client's outbox (it received 4,682 before being cut off).
const STALL_COUNTERS: u64 = 5;

/// EmptyImage → `counters` SlowCounters in a row, `steps` each → SaveImage.
fn counter_workflow(counters: u64, steps: u64) -> Value {
    let mut workflow = json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
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

async fn submit(sim: &TestSim, client_id: &str, counters: u64, steps: u64) -> String {
    let prompt_id = uuid::Uuid::new_v4().to_string();
    let workflow = counter_workflow(counters, steps);
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
async fn a_hundred_sockets_of_one_client_each_receive_every_message_in_order() {
    let sim = spawn_default().await;
    let mut sockets = Vec::new();
    for _ in 0..CONCURRENT_CLIENTS {
        let mut socket = sim.socket("crowd").await;
        socket.next_json().await;
        sockets.push(socket);
    }
    let prompt_id = submit(&sim, "crowd", 1, FAN_OUT_STEPS).await;
    let received = join_all(
        sockets
            .into_iter()
            .map(|socket| frames_of(socket, prompt_id.clone())),
    )
    .await;
    let expected: Vec<u64> = (1..=FAN_OUT_STEPS).collect();
    for frames in &received {
        assert_eq!(progress_values(frames), expected);
        assert_eq!(
            frames.len(),
            received[0].len(),
            "every socket got the same messages"
        );
    }
}

/// Single-threaded, so the stalled socket cannot be rescued by a spare core: if one client
/// could block delivery, the healthy one would never see the end of the prompt.
#[tokio::test(flavor = "current_thread")]
async fn a_socket_that_stops_reading_is_disconnected_and_the_others_get_everything() {
    let sim = spawn_default().await;
    let mut healthy = sim.socket("shared").await;
    healthy.next_json().await;
    let mut stalled = sim.socket_with_tiny_receive_buffer("shared").await;
    let prompt_id = submit(&sim, "shared", STALL_COUNTERS, MAX_COUNTER_STEPS).await;

    let healthy_frames = healthy.frames_until_done(&prompt_id).await;
    let expected: Vec<u64> = (0..STALL_COUNTERS).flat_map(|_| 1..=MAX_COUNTER_STEPS).collect();
    assert_eq!(progress_values(&healthy_frames), expected);

    let mut stalled_count = 0;
    while stalled.next_frame().await.is_some() {
        stalled_count += 1;
    }
    assert!(
        stalled_count < healthy_frames.len(),
        "the stalled socket was closed early ({stalled_count} of {} messages)",
        healthy_frames.len()
    );
}
