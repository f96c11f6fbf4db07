//! Shared by the wasm test suites: the simulator's address, its fault switches, waiting
//! for what a person would see, and small workflows.
#![allow(dead_code)] // each suite uses a different part

pub mod jobs;

use gloo_net::http::Request;
use gloo_timers::future::TimeoutFuture;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::http::ApiPrompt;

/// Generous: a loaded 2-core CI machine is slow, and a passing run never waits this long.
pub const WAIT_LIMIT_MS: u32 = 60_000;
const POLL_MS: u32 = 50;

pub fn sim_url() -> ServerUrl {
    // Not env!: clippy and plain builds of the tests must work without a simulator.
    let Some(url) = option_env!("SHOTLINE_TEST_COMFY_URL") else {
        panic!("SHOTLINE_TEST_COMFY_URL is unset: run these tests with `cargo xtask test --tier wasm`");
    };
    ServerUrl::parse(url).expect("SHOTLINE_TEST_COMFY_URL is an http:// address")
}

pub async fn sleep_ms(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Polls `check` until it gives a value; panics naming `what` after [`WAIT_LIMIT_MS`].
pub async fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let mut waited = 0;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(waited < WAIT_LIMIT_MS, "waited {WAIT_LIMIT_MS} ms for {what}");
        sleep_ms(POLL_MS).await;
        waited += POLL_MS;
    }
}

/// Switches every simulator fault off. Tests run one after another in one page, and a
/// failed test cannot clean up after itself (a wasm panic runs no destructors), so each
/// test starts from a clean simulator instead.
pub async fn fresh_sim() {
    clear_faults().await;
}

pub async fn set_faults(faults: serde_json::Value) {
    let url = format!("{}/sim/faults", sim_url().as_str());
    let response = Request::post(&url).json(&faults).unwrap().send().await.unwrap();
    assert!(response.ok(), "POST /sim/faults answered {}", response.status());
}

pub async fn clear_faults() {
    let url = format!("{}/sim/faults", sim_url().as_str());
    let response = Request::delete(&url).send().await.unwrap();
    assert!(response.ok(), "DELETE /sim/faults answered {}", response.status());
}

/// `GET path` on the simulator, as JSON (`/sim/faults`, `/queue`, `/object_info/…`).
pub async fn sim_json(path: &str) -> serde_json::Value {
    let url = format!("{}{path}", sim_url().as_str());
    let response = Request::get(&url).send().await.expect("the simulator answers");
    assert!(response.ok(), "GET {path} answered {}", response.status());
    response.json().await.expect("JSON")
}

/// `GET /sim/requests`: how often each route was asked since the last reset.
pub async fn request_count(route: &str) -> u64 {
    sim_json("/sim/requests").await[route].as_u64().unwrap_or(0)
}

pub async fn reset_request_counts() {
    let url = format!("{}/sim/requests", sim_url().as_str());
    let response = Request::delete(&url).send().await.unwrap();
    assert!(
        response.ok(),
        "DELETE /sim/requests answered {}",
        response.status()
    );
}

/// Queues `prompt` as another person's tab would (another clientId), without this page's
/// engine knowing; returns its prompt_id.
pub async fn submit_as_someone_else(prompt: ApiPrompt) -> String {
    let prompt_id = uuid::Uuid::new_v4().to_string();
    let body = serde_json::json!({"prompt": prompt, "client_id": "someone-else", "prompt_id": prompt_id});
    let url = format!("{}/api/prompt", sim_url().as_str());
    let response = Request::post(&url).json(&body).unwrap().send().await.unwrap();
    assert!(response.ok(), "POST /api/prompt answered {}", response.status());
    prompt_id
}

/// A value that differs per call, so ComfyUI's cache never replays an earlier run.
pub fn fresh_color() -> u64 {
    (js_sys::Math::random() * f64::from(0xff_ffff)) as u64
}

pub fn prompt(json: serde_json::Value) -> ApiPrompt {
    serde_json::from_value(json).expect("a valid API-format workflow")
}

/// EmptyImage → SaveImage.
pub fn still_image() -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": fresh_color()}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "wasm_still"}}
    }))
}

/// EmptyImage → SlowCounter(steps × delay) → SaveImage.
pub fn slow_image(steps: u32, delay_s: f64) -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 32, "batch_size": 1, "color": fresh_color()}},
        "2": {"class_type": "SlowCounter", "inputs": {"image": ["1", 0], "steps": steps, "delay": delay_s}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "wasm_slow"}}
    }))
}

/// EmptyImage batch → CreateVideo → SaveVideo (an mp4).
pub fn short_video() -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 4, "color": fresh_color()}},
        "2": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0], "fps": 8.0}},
        "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "video/wasm", "format": "mp4", "codec": "h264"}}
    }))
}

/// EmptyImage → FailAlways → SaveImage: fails in node 2.
pub fn failing() -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": fresh_color()}},
        "2": {"class_type": "FailAlways", "inputs": {"image": ["1", 0]}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "wasm_fail"}}
    }))
}

/// A width below EmptyImage's minimum: rejected by validation.
pub fn invalid() -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": -5, "height": 64, "batch_size": 1, "color": 0}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "wasm_invalid"}}
    }))
}

/// EmptyImage → SlowPreview(1 step) → SaveImage: one preview frame per run.
pub fn previewing() -> ApiPrompt {
    prompt(serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": fresh_color()}},
        "2": {"class_type": "SlowPreview", "inputs": {"image": ["1", 0], "steps": 1, "delay": 0.0}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "wasm_preview"}}
    }))
}
