//! The engine when the connection misbehaves: a silent socket is reopened and the job still
//! ends Done, `/view` failures are retried with a bound and then end the job with a reason,
//! and other people's submissions do not make this page poll the queue harder.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::GetUntracked;
use shotline::comfy::ComfyClient;
use shotline::comfy::socket::SocketHealth;
use shotline::generation::SocketDrop;
use shotline_protocol::JobState;
use shotline_protocol::job::FailureKind;
use support::jobs::*;
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The throttle's promise: with none of this page's jobs waiting, at most one `/queue`
/// read per this long per server, however many `status` broadcasts arrive.
const QUEUE_READ_SPACING_MS: f64 = 2_000.0;
/// Long enough for several throttle intervals; other people submit throughout.
const BURST_MS: f64 = 5_000.0;
const BURST_GAP_MS: u32 = 200;

#[wasm_bindgen_test]
async fn a_view_that_fails_three_times_is_retried_and_the_job_ends_done() {
    fresh_sim().await;
    set_faults(serde_json::json!({"http": {"path": "/view", "status": 500, "times": 3}})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
    assert!(done.outputs[0].data_url.starts_with("data:image/png;base64,"));
    assert!(done.notices.is_empty(), "nothing to report: {:?}", done.notices);
}

#[wasm_bindgen_test]
async fn a_view_cut_off_mid_body_is_fetched_again_and_the_job_ends_done() {
    fresh_sim().await;
    set_faults(serde_json::json!({"cut_view_times": 2})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
}

#[wasm_bindgen_test]
async fn a_view_that_keeps_failing_ends_the_job_failed_saying_what_and_how_often() {
    fresh_sim().await;
    set_faults(serde_json::json!({"http": {"path": "/view", "status": 500, "times": 1000}})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let ended = wait_for_end(&generation, &id).await;
    clear_faults().await;
    let JobState::Failed { kind, message, .. } = &ended.state else {
        panic!("expected Failed, got {:?}", ended.state);
    };
    assert_eq!(*kind, FailureKind::OutputsUnavailable);
    assert!(
        message.starts_with("ComfyUI finished the run, but wasm_still"),
        "{message}"
    );
    assert!(
        message.contains("could not be downloaded in 4 attempts") && message.contains("HTTP 500"),
        "{message}"
    );
    assert!(ended.outputs.is_empty());
    assert!(
        ended.notices.is_empty(),
        "said once, in the state: {:?}",
        ended.notices
    );
}

#[wasm_bindgen_test]
async fn a_socket_silent_while_a_job_runs_is_reopened_and_the_job_ends_done() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    // Runs well past the watchdog's 10 s of silence and the close that follows.
    let id = submit(&generation, slow_image(40, 0.5));
    wait_until_running(&generation, &id).await;
    let status = generation
        .server_status(&sim_url())
        .expect("the job's server is linked");
    set_faults(serde_json::json!({"stall_ws_ms": 12_000})).await;
    let reopened = wait_for("the silent socket to be reopened", || {
        let status = status.get_untracked();
        (status.reconnects > 0).then_some(status)
    })
    .await;
    assert_eq!(reopened.last_drop, Some(SocketDrop::Silent));
    assert_eq!(reopened.health, SocketHealth::Open);
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
}

#[wasm_bindgen_test]
async fn a_dropped_socket_reconnects_and_says_it_closed() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(8, 0.3));
    wait_until_running(&generation, &id).await;
    let status = generation
        .server_status(&sim_url())
        .expect("the job's server is linked");
    set_faults(serde_json::json!({"drop_ws": true})).await;
    let reopened = wait_for("the dropped socket to reconnect", || {
        let status = status.get_untracked();
        (status.reconnects > 0 && status.health == SocketHealth::Open).then_some(status)
    })
    .await;
    assert_eq!(reopened.last_drop, Some(SocketDrop::Closed));
    wait_for_done(&generation, &id).await;
}

/// Every person's submission broadcasts `status` (twice). This page reads the full queue
/// on those only while one of its own jobs waits in it; here its job runs, so the burst
/// must not add reads beyond the regular tick.
#[wasm_bindgen_test]
async fn other_peoples_submissions_cost_at_most_one_queue_read_per_two_seconds() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let ours = submit(&generation, slow_image(40, 0.3));
    wait_until_running(&generation, &ours).await;
    reset_request_counts().await;
    let started = js_sys::Date::now();
    let mut theirs = Vec::new();
    while js_sys::Date::now() - started < BURST_MS {
        theirs.push(submit_as_someone_else(still_image()).await);
        sleep_ms(BURST_GAP_MS).await;
    }
    let reads = request_count("/queue").await;
    let elapsed = js_sys::Date::now() - started;
    let allowed = (elapsed / QUEUE_READ_SPACING_MS).floor() as u64 + 1;
    let ids: Vec<&str> = theirs.iter().map(String::as_str).collect();
    ComfyClient::new(sim_url()).delete_from_queue(&ids).await.unwrap();
    generation.cancel(&ours);
    assert!(
        matches!(
            view(&generation, &ours).state,
            JobState::Running(_) | JobState::Cancelled
        ),
        "ours ran throughout"
    );
    assert!(
        reads <= allowed,
        "{reads} /queue reads in {elapsed} ms while {} prompts of someone else arrived; at most {allowed}",
        theirs.len()
    );
    wait_for_end(&generation, &ours).await;
}
