//! Every `/sim/faults` key over real HTTP and WebSocket connections, with prompts running.

mod common;

use std::time::Duration;

use comfy_sim::Config;
use common::{Frame, TestSim, WAIT_TIMEOUT, slow_workflow, spawn, spawn_default, spawn_with_faults};
use serde_json::{Value, json};

/// A response this quick cannot have waited out a fault delay of [`LONG_FAULT_MS`].
const PROMPT_ANSWER_MS: u64 = 500;
/// Long enough that no test could see the fault end by itself.
const LONG_FAULT_MS: u64 = 600_000;
/// Short enough to wait out; long enough that the next request certainly falls inside it.
const RESTART_MS: u64 = 3000;

async fn clear_faults(sim: &TestSim) -> Value {
    let response = sim
        .http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .expect("DELETE answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("fault state")
}

fn kinds(frames: &[Frame]) -> Vec<String> {
    frames.iter().map(Frame::kind).collect()
}

fn data_of<'a>(frames: &'a [Frame], kind: &str) -> Option<&'a Value> {
    frames
        .iter()
        .find(|frame| frame.kind() == kind)
        .map(|frame| &frame.json()["data"])
}

#[tokio::test]
async fn sim_routes_do_not_exist_without_the_faults_flag() {
    let sim = spawn_default().await;
    let get = sim.http.get(sim.url("/sim/faults")).send().await.expect("answer");
    assert_eq!(get.status(), 404);
    // A path ComfyUI does not have answers other methods with aiohttp's 405 (the `/` static
    // route takes GET and HEAD only), so "no such route" is 404 for GET, 405 otherwise.
    let post = sim.post_json("/sim/faults", &json!({"drop_ws": true})).await;
    assert_eq!(post.status(), 405);
    let delete = sim
        .http
        .delete(sim.url("/sim/faults"))
        .send()
        .await
        .expect("answer");
    assert_eq!(delete.status(), 405);
}

#[tokio::test]
async fn fault_state_is_readable_and_delete_switches_everything_off() {
    let sim = spawn_with_faults().await;
    let (status, idle) = sim.get_json("/sim/faults").await;
    assert_eq!(status, 200);
    assert!(
        idle.as_object().expect("object").values().all(Value::is_null),
        "{idle}"
    );
    let http = json!({"path": "/queue", "status": 503, "times": 3});
    sim.inject(json!({"history_delay_ms": 5, "fail_class": "SaveImage", "http": http}))
        .await;
    let active = sim
        .inject(json!({"view_delay_ms": 7, "interrupt_after_ms": 9000}))
        .await;
    assert_eq!(
        active["history_delay_ms"], 5,
        "later requests add to earlier ones"
    );
    assert_eq!(active["fail_class"], "SaveImage");
    assert_eq!(active["http"], http);
    assert_eq!(active["view_delay_ms"], 7);
    assert_eq!(active["interrupt_after_ms"], 9000);
    assert_eq!(sim.get_json("/sim/faults").await.1, active);
    let cleared = clear_faults(&sim).await;
    assert_eq!(cleared, idle);
    let typo = sim.post_json("/sim/faults", &json!({"drop_sockets": true})).await;
    assert_eq!(typo.status(), 400, "unknown keys are refused");
}

#[tokio::test]
async fn drop_ws_closes_every_socket_while_the_prompt_keeps_running() {
    let sim = spawn_with_faults().await;
    let mut first = sim.socket("dropper").await;
    let mut second = sim.socket("bystander").await;
    let prompt_id = sim.submit("dropper", &slow_workflow(10, 0.1)).await;
    while first.next_frame().await.expect("open").kind() != "progress" {}
    sim.inject(json!({"drop_ws": true})).await;
    while first.next_frame().await.is_some() {}
    while second.next_frame().await.is_some() {}
    let mut again = sim.socket("dropper").await;
    assert_eq!(
        again.next_json().await["type"],
        "status",
        "new sockets are welcome"
    );
    let entry = sim.wait_for_history(&prompt_id).await;
    assert_eq!(entry["status"]["status_str"], "success");
}

#[tokio::test]
async fn stall_ws_holds_messages_back_and_loses_none_of_them() {
    let sim = spawn_with_faults().await;
    let mut reference = sim.socket("reference").await;
    reference.next_json().await;
    let reference_id = sim.submit("reference", &slow_workflow(3, 0.0)).await;
    let expected = kinds(&reference.frames_until_done(&reference_id).await);

    let mut socket = sim.socket("stalled").await;
    socket.next_json().await;
    sim.inject(json!({"stall_ws_ms": LONG_FAULT_MS})).await;
    let mut uncached = slow_workflow(3, 0.0);
    uncached["1"]["inputs"]["color"] = json!(1);
    let prompt_id = sim.submit("stalled", &uncached).await;
    sim.wait_for_history(&prompt_id).await;
    assert!(
        socket
            .frame_within(Duration::from_millis(PROMPT_ANSWER_MS))
            .await
            .is_none(),
        "a stalled socket sends nothing"
    );
    clear_faults(&sim).await;
    assert_eq!(kinds(&socket.frames_until_done(&prompt_id).await), expected);
}

#[tokio::test]
async fn history_and_view_delays_hold_those_responses_back() {
    let sim = spawn_with_faults().await;
    sim.inject(json!({"history_delay_ms": LONG_FAULT_MS, "view_delay_ms": LONG_FAULT_MS}))
        .await;
    let quick = Duration::from_millis(PROMPT_ANSWER_MS);
    for path in ["/history", "/history/unknown", "/view?filename=x.png&type=output"] {
        let request = sim.http.get(sim.url(path)).send();
        assert!(
            tokio::time::timeout(quick, request).await.is_err(),
            "{path} is delayed"
        );
    }
    assert_eq!(
        sim.get_json("/queue").await.0,
        200,
        "other routes are not delayed"
    );
    clear_faults(&sim).await;
    assert_eq!(sim.get_json("/history").await, (200, json!({})));
}

#[tokio::test]
async fn restart_forgets_queue_and_history_and_refuses_connections_for_restart_ms() {
    let sim = spawn_with_faults().await;
    let done = sim.submit("before", &slow_workflow(1, 0.0)).await;
    sim.wait_for_history(&done).await;
    let mut socket = sim.socket("before").await;
    sim.submit("before", &slow_workflow(100, 0.1)).await;
    sim.submit("before", &slow_workflow(2, 0.0)).await;
    let state = sim
        .inject(json!({"restart": true, "restart_ms": RESTART_MS}))
        .await;
    assert!(state["restart_ms"].as_u64().is_some_and(|left| left > 0));
    while socket.next_frame().await.is_some() {}

    let fresh_client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let during = fresh_client.get(sim.url("/queue")).send().await;
    assert!(
        during.is_err() || during.is_ok_and(|response| response.status() != 200),
        "no normal answers while restarting"
    );
    let back = tokio::time::timeout(WAIT_TIMEOUT, async {
        loop {
            if let Ok(response) = fresh_client.get(sim.url("/queue")).send().await
                && response.status() == 200
            {
                return response.json::<Value>().await.expect("queue");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let queue = back.await.expect("the server comes back");
    assert_eq!(queue, json!({"queue_running": [], "queue_pending": []}));
    let (_, history) = sim.get_json("/history").await;
    assert_eq!(history, json!({}), "history is lost like a real restart");
    let after = sim.submit("after", &slow_workflow(1, 0.0)).await;
    assert_eq!(
        sim.wait_for_history(&after).await["status"]["status_str"],
        "success"
    );
}

#[tokio::test]
async fn fail_class_makes_that_node_raise_an_execution_error_until_cleared() {
    let sim = spawn_with_faults().await;
    sim.inject(json!({"fail_class": "SaveImage"})).await;
    let mut socket = sim.socket("failing").await;
    socket.next_json().await;
    let prompt_id = sim.submit("failing", &slow_workflow(1, 0.0)).await;
    let frames = socket.frames_until_done(&prompt_id).await;
    let error = data_of(&frames, "execution_error").expect("execution_error");
    assert_eq!(error["node_type"], "SaveImage");
    assert_eq!(error["exception_type"], "RuntimeError");
    assert!(data_of(&frames, "execution_success").is_none());
    assert_eq!(
        sim.wait_for_history(&prompt_id).await["status"]["status_str"],
        "error"
    );
    clear_faults(&sim).await;
    let retry = sim.submit("failing", &slow_workflow(2, 0.0)).await;
    assert_eq!(
        sim.wait_for_history(&retry).await["status"]["status_str"],
        "success"
    );
}

#[tokio::test]
async fn http_fault_answers_its_path_with_the_status_the_given_number_of_times() {
    let sim = spawn_with_faults().await;
    sim.inject(json!({"http": {"path": "/prompt", "status": 500, "times": 2}}))
        .await;
    let body = json!({"prompt": slow_workflow(1, 0.0)});
    assert_eq!(sim.get_json("/queue").await.0, 200, "other paths are untouched");
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 500);
    assert_eq!(sim.post_json("/api/prompt", &body).await.status(), 500);
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
    assert!(sim.get_json("/sim/faults").await.1["http"].is_null(), "used up");
}

#[tokio::test]
async fn interrupt_after_ms_interrupts_every_running_prompt() {
    let sim = spawn_with_faults().await;
    sim.inject(json!({"interrupt_after_ms": 100})).await;
    let mut socket = sim.socket("interrupted").await;
    socket.next_json().await;
    let prompt_id = sim.submit("interrupted", &slow_workflow(1000, 0.1)).await;
    let frames = socket.frames_until_done(&prompt_id).await;
    let interrupted = data_of(&frames, "execution_interrupted").expect("execution_interrupted");
    assert_eq!(interrupted["node_type"], "SlowCounter");
    assert_eq!(
        sim.wait_for_history(&prompt_id).await["status"]["status_str"],
        "error"
    );
}

/// `raised` answers as a ComfyUI handler that raised: aiohttp's plain 500, which skips
/// the CORS middleware, so a page on another origin cannot read it (trace c's 500s).
#[tokio::test]
async fn a_raised_http_fault_is_aiohttps_500_without_cors_headers() {
    let sim = spawn(Config {
        faults: true,
        cors_origin: Some("*".into()),
        ..Config::for_tests()
    })
    .await;
    sim.inject(json!({"http": {"path": "/history", "status": 500, "times": 2, "raised": true}}))
        .await;
    let response = sim
        .http
        .get(sim.url("/api/history/some-id"))
        .header("Origin", "http://app.example")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 500);
    assert!(response.headers().get("access-control-allow-origin").is_none());
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Server got itself in trouble")
    );

    sim.inject(json!({"http": {"path": "/history", "status": 500, "times": 1}}))
        .await;
    let handled = sim
        .http
        .get(sim.url("/api/history/some-id"))
        .header("Origin", "http://app.example")
        .send()
        .await
        .expect("answer");
    assert_eq!(handled.status(), 500);
    assert!(
        handled.headers().get("access-control-allow-origin").is_some(),
        "a 500 a handler returns passes ComfyUI's CORS middleware"
    );
}

#[tokio::test]
async fn cut_view_times_breaks_that_many_view_answers_off_mid_body_then_serves_the_file() {
    let sim = spawn_with_faults().await;
    let prompt_id = sim.submit("cutter", &slow_workflow(1, 0.0)).await;
    let entry = sim.wait_for_history(&prompt_id).await;
    let image = &entry["outputs"]["3"]["images"][0];
    let path = format!(
        "/view?filename={}&subfolder={}&type={}",
        image["filename"].as_str().expect("a file name"),
        image["subfolder"].as_str().unwrap_or_default(),
        image["type"].as_str().unwrap_or("output"),
    );
    let whole = sim.http.get(sim.url(&path)).send().await.expect("answer");
    let whole = whole.bytes().await.expect("the whole file");
    assert!(whole.starts_with(b"\x89PNG"), "a PNG");

    sim.inject(json!({"cut_view_times": 2})).await;
    for attempt in 1..=2 {
        let response = sim.http.get(sim.url(&path)).send().await.expect("headers arrive");
        assert_eq!(
            response.status(),
            200,
            "attempt {attempt}: the answer starts well"
        );
        assert_eq!(response.content_length(), Some(whole.len() as u64));
        assert!(
            response.bytes().await.is_err(),
            "attempt {attempt}: the body breaks off"
        );
    }
    assert!(
        sim.get_json("/sim/faults").await.1["cut_view_times"].is_null(),
        "used up"
    );
    let again = sim.http.get(sim.url(&path)).send().await.expect("answer");
    assert_eq!(again.bytes().await.expect("the whole file"), whole);
}

#[tokio::test]
async fn sim_requests_counts_requests_per_route_with_or_without_api_until_reset() {
    let sim = spawn_with_faults().await;
    sim.get_json("/queue").await;
    sim.get_json("/api/queue").await;
    sim.get_json("/api/history/some-id").await;
    let (status, counts) = sim.get_json("/sim/requests").await;
    assert_eq!(status, 200);
    assert_eq!(counts["/queue"], 2, "{counts}");
    assert_eq!(counts["/history/some-id"], 1, "{counts}");
    assert!(
        counts.get("/sim/requests").is_none(),
        "its own reads are not counted"
    );

    let reset = sim
        .http
        .delete(sim.url("/sim/requests"))
        .send()
        .await
        .expect("answer");
    assert_eq!(reset.status(), 200);
    sim.get_json("/queue").await;
    assert_eq!(sim.get_json("/sim/requests").await.1, json!({"/queue": 1}));
}

#[tokio::test]
async fn sim_requests_does_not_exist_without_the_faults_flag() {
    let sim = spawn_default().await;
    let response = sim
        .http
        .get(sim.url("/sim/requests"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn prompt_answer_delay_queues_the_prompt_at_once_and_holds_its_answer_back() {
    let sim = spawn_with_faults().await;
    sim.inject(json!({"prompt_answer_delay_ms": LONG_FAULT_MS})).await;
    let prompt_id = "answer-held-back";
    let body = json!({"prompt": slow_workflow(1, 0.0), "prompt_id": prompt_id});
    let post = sim.post_json("/prompt", &body);
    assert!(
        tokio::time::timeout(Duration::from_millis(PROMPT_ANSWER_MS), post)
            .await
            .is_err(),
        "the answer is held back"
    );
    assert_eq!(
        sim.wait_for_history(prompt_id).await["status"]["status_str"],
        "success",
        "the prompt was queued and ran although its client never read the answer"
    );
    clear_faults(&sim).await;
    assert_eq!(sim.post_json("/prompt", &body).await.status(), 200);
}
