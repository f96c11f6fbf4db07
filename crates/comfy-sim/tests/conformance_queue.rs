//! Queue order, interrupts and deletes replayed from traces d, e and f: the same requests
//! give the same status codes, queue layouts and per-prompt message sequences.

mod common;

use common::trace::{
    Shape, Trace, assert_same_keys, assert_same_shapes, collapse_steps, kinds, prompt_window, shapes,
};
use common::{Frame, Socket, TestSim, spawn_default};
use indexmap::IndexMap;
use serde::de::IgnoredAny;
use serde_json::{Value, json};

/// Delay of a prompt that must still be running while the test queues and inspects others.
const BLOCKING_STEP_DELAY_S: f64 = 1.0;

/// Re-submits a recorded body for `client_id` under a fresh id, with its own step delay.
async fn resubmit(sim: &TestSim, client_id: &str, recorded: &Value, delay_s: f64) -> (String, Value) {
    let mut body = recorded.clone();
    let prompt_id = uuid::Uuid::new_v4().to_string();
    body["prompt"]["2"]["inputs"]["delay"] = json!(delay_s);
    body["client_id"] = json!(client_id);
    body["prompt_id"] = json!(prompt_id);
    let response = sim.post_json("/prompt", &body).await;
    assert_eq!(response.status(), 200);
    (prompt_id, response.json().await.expect("JSON"))
}

/// Re-submits a recorded body under its own `prompt_id`, with its own step delay.
async fn resubmit_keeping_id(
    sim: &TestSim,
    client_id: &str,
    recorded: &Value,
    delay_s: f64,
) -> (String, Value) {
    let mut body = recorded.clone();
    body["prompt"]["2"]["inputs"]["delay"] = json!(delay_s);
    body["client_id"] = json!(client_id);
    let response = sim.post_json("/prompt", &body).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("JSON");
    (answer["prompt_id"].as_str().expect("id").to_owned(), answer)
}

/// Positions in `ids` of the entries of a `/history` body, in the order the body lists them
/// (read into an `IndexMap`: a `serde_json::Value` would sort the keys).
async fn history_positions(sim: &TestSim, path: &str, ids: &[String]) -> Vec<Option<usize>> {
    let text = sim
        .http
        .get(sim.url(path))
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("body");
    let entries: IndexMap<String, IgnoredAny> = serde_json::from_str(&text).expect("JSON object");
    entries
        .keys()
        .map(|prompt_id| ids.iter().position(|id| id == prompt_id))
        .collect()
}

/// Reads frames into `frames` until one satisfies `until`.
async fn read_until(socket: &mut Socket, frames: &mut Vec<Frame>, until: impl Fn(&Frame) -> bool) {
    loop {
        let frame = socket.next_frame().await.expect("socket stays open");
        let done = until(&frame);
        frames.push(frame);
        if done {
            return;
        }
    }
}

fn progress_reached(value: u64) -> impl Fn(&Frame) -> bool {
    move |frame| frame.kind() == "progress" && frame.json()["data"]["value"].as_u64() >= Some(value)
}

/// Pending prompt ids of a `/queue` body, as positions in `ids`.
fn pending_positions(queue: &Value, ids: &[String]) -> Vec<Option<usize>> {
    queue["queue_pending"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| ids.iter().position(|id| item[1] == id.as_str()))
        .collect()
}

async fn post_empty(sim: &TestSim, path: &str, body: Option<Value>) {
    let request = sim.http.post(sim.url(path));
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.expect("answer");
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.text().await.expect("body"),
        "",
        "{path} answers with an empty body"
    );
}

fn ours(frames: &[Frame], prompt_id: &str) -> Vec<Shape> {
    prompt_window(&shapes(frames), prompt_id)
}

#[tokio::test]
async fn heap_ordered_pending_and_front_prompts_match_trace_d() {
    let trace = Trace::load("d_queue_positions");
    let sim = spawn_default().await;
    let mut socket = sim.socket("queue").await;
    socket.next_json().await;
    let (mut ids, mut recorded_ids) = (Vec::new(), Vec::new());
    for (index, (mut body, recorded_id)) in trace.submissions().into_iter().enumerate() {
        let delay_s = if index == 0 { BLOCKING_STEP_DELAY_S } else { 0.0 };
        // The recorded ids, so that an order that only looks right for some ids (history
        // sorted by id, say) cannot pass by chance.
        body["prompt_id"] = json!(recorded_id);
        let (prompt_id, answer) = resubmit_keeping_id(&sim, "queue", &body, delay_s).await;
        let front = body["front"] == true;
        assert_eq!(answer["number"].as_i64().is_some_and(|number| number < 0), front);
        ids.push(prompt_id);
        recorded_ids.push(recorded_id);
    }
    let (_, queue) = sim.get_json("/queue").await;
    let recorded_queue = &trace.response(8)["json"];
    assert_eq!(
        pending_positions(&queue, &ids),
        pending_positions(recorded_queue, &recorded_ids)
    );
    assert_eq!(queue["queue_running"][0][1], ids[0].as_str());
    assert_eq!(queue["queue_running"][0].as_array().map(Vec::len), Some(5));
    assert_same_keys(
        &recorded_queue["queue_running"][0][3],
        &queue["queue_running"][0][3],
        "extra_data",
    );

    let recorded_starts: Vec<usize> = trace
        .events()
        .filter(|event| event["kind"] == "ws_message" && event["msg"]["type"] == "execution_start")
        .filter_map(|event| {
            recorded_ids
                .iter()
                .position(|id| event["msg"]["data"]["prompt_id"] == id.as_str())
        })
        .collect();
    let last = ids[*recorded_starts.last().expect("starts")].clone();
    let frames = socket.frames_until_done(&last).await;
    let our_starts: Vec<usize> = frames
        .iter()
        .filter(|frame| frame.kind() == "execution_start")
        .filter_map(|frame| {
            ids.iter()
                .position(|id| frame.json()["data"]["prompt_id"] == id.as_str())
        })
        .collect();
    assert_eq!(
        our_starts, recorded_starts,
        "front prompts run first, the last one first of all"
    );
    for (ours_id, recorded_id) in ids.iter().zip(&recorded_ids) {
        let recorded = trace.prompt_messages("main", recorded_id);
        assert_same_shapes(&recorded, &ours(&frames, ours_id), "trace d prompt");
    }

    // History lists prompts in the order they finished: p0, p6, p5, p1, p2, p3, p4.
    let recorded_order: Vec<Option<usize>> = trace
        .events()
        .find(|event| event["kind"] == "note" && event["order"].is_array())
        .and_then(|note| note["order"].as_array())
        .into_iter()
        .flatten()
        .map(|entry| recorded_ids.iter().position(|id| entry[1] == id.as_str()))
        .collect();
    assert_eq!(recorded_order.len(), ids.len());
    let _ = sim.wait_for_history(&last).await;
    assert_eq!(
        history_positions(&sim, "/history?max_items=7", &ids).await,
        recorded_order,
        "history in the order the heap ran the prompts"
    );
}

/// server.py: a client `number` is used as `float(number)` and the counter is not touched;
/// without one the counter is used (negated for `front`) and then advanced.
#[tokio::test]
async fn client_supplied_number_is_used_verbatim_and_leaves_the_counter_alone() {
    let trace = Trace::load("c_validation_error");
    let (body, _) = trace
        .submissions()
        .into_iter()
        .find(|(body, _)| body.get("number").is_some())
        .expect("trace c case 6 sends a number");
    let sim = spawn_default().await;
    let mut numbers = Vec::new();
    for given in [None, Some(json!(1234.5)), Some(json!(7)), None, Some(json!("12"))] {
        let mut request = body.clone();
        request["prompt_id"] = json!(uuid::Uuid::new_v4().to_string());
        match given {
            Some(number) => request["number"] = number,
            None => {
                request.as_object_mut().map(|map| map.remove("number"));
            }
        }
        let response = sim.post_json("/prompt", &request).await;
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().await.expect("JSON");
        numbers.push(answer["number"].to_string());
    }
    assert_eq!(numbers, ["0", "1234.5", "7.0", "1", "12.0"]);
}

#[tokio::test]
async fn targeted_and_global_interrupts_behave_as_in_trace_e() {
    let trace = Trace::load("e_interrupt");
    let sim = spawn_default().await;
    let mut socket = sim.socket("interrupts").await;
    socket.next_json().await;
    post_empty(&sim, "/interrupt", None).await;
    let submissions = trace.submissions();
    let (running, _) = resubmit(&sim, "interrupts", &submissions[0].0, 0.2).await;
    let mut frames = Vec::new();
    read_until(&mut socket, &mut frames, progress_reached(2)).await;
    post_empty(
        &sim,
        "/interrupt",
        Some(json!({"prompt_id": uuid::Uuid::new_v4().to_string()})),
    )
    .await;
    let seen = frames.iter().filter(|frame| frame.kind() == "progress").count() as u64;
    read_until(&mut socket, &mut frames, progress_reached(seen + 1)).await;
    post_empty(&sim, "/interrupt", Some(json!({"prompt_id": running}))).await;
    frames.extend(socket.frames_until_done(&running).await);
    let recorded = trace.prompt_messages("main", &submissions[0].1);
    assert_eq!(
        collapse_steps(&kinds(&ours(&frames, &running))),
        collapse_steps(&kinds(&recorded))
    );

    let recorded_entry = &trace.response(5)["json"][&submissions[0].1];
    let entry = sim.wait_for_history(&running).await;
    assert_same_keys(recorded_entry, &entry, "history entry");
    assert_eq!(entry["status"]["status_str"], "error");
    assert_eq!(entry["status"]["completed"], false);
    let last_message = entry["status"]["messages"]
        .as_array()
        .and_then(|list| list.last())
        .cloned();
    assert_eq!(
        last_message.map(|message| message[0].clone()),
        Some(json!("execution_interrupted"))
    );

    let (first, _) = resubmit(&sim, "interrupts", &submissions[1].0, 0.2).await;
    let (second, _) = resubmit(&sim, "interrupts", &submissions[2].0, 0.0).await;
    let mut frames = Vec::new();
    read_until(&mut socket, &mut frames, progress_reached(2)).await;
    post_empty(&sim, "/interrupt", None).await;
    frames.extend(socket.frames_until_done(&second).await);
    for (ours_id, recorded_id) in [(&first, &submissions[1].1), (&second, &submissions[2].1)] {
        let recorded = trace.prompt_messages("main", recorded_id);
        assert_eq!(
            collapse_steps(&kinds(&ours(&frames, ours_id))),
            collapse_steps(&kinds(&recorded))
        );
    }
    assert_eq!(
        sim.wait_for_history(&second).await["status"]["status_str"],
        "success"
    );
}

#[tokio::test]
async fn delete_and_clear_touch_only_pending_prompts_as_in_trace_f() {
    let trace = Trace::load("f_delete_pending");
    let sim = spawn_default().await;
    let mut socket = sim.socket("deletes").await;
    socket.next_json().await;
    let submissions = trace.submissions();
    let mut ids = Vec::new();
    for (index, (body, _)) in submissions[..3].iter().enumerate() {
        let delay_s = if index == 0 { BLOCKING_STEP_DELAY_S } else { 0.0 };
        ids.push(resubmit(&sim, "deletes", body, delay_s).await.0);
    }
    let (_, queue) = sim.get_json("/queue").await;
    assert_eq!(queue["queue_running"][0][1], ids[0].as_str());
    assert_eq!(pending_positions(&queue, &ids), [Some(1), Some(2)]);
    post_empty(&sim, "/queue", Some(json!({"delete": [ids[2]]}))).await;
    assert_eq!(
        pending_positions(&sim.get_json("/queue").await.1, &ids),
        [Some(1)]
    );
    post_empty(
        &sim,
        "/queue",
        Some(json!({"delete": [uuid::Uuid::new_v4().to_string()]})),
    )
    .await;
    post_empty(&sim, "/queue", Some(json!({"delete": [ids[0]]}))).await;
    let (_, queue) = sim.get_json("/queue").await;
    assert_eq!(
        queue["queue_running"][0][1],
        ids[0].as_str(),
        "the running prompt is untouched"
    );
    assert_eq!(pending_positions(&queue, &ids), [Some(1)]);
    let frames = socket.frames_until_done(&ids[1]).await;
    for (ours_id, (_, recorded_id)) in ids.iter().zip(&submissions).take(2) {
        let recorded = trace.prompt_messages("main", recorded_id);
        assert_same_shapes(&recorded, &ours(&frames, ours_id), "trace f prompt");
    }
    assert!(
        ours(&frames, &ids[2]).is_empty(),
        "a deleted prompt sends nothing"
    );
    assert_eq!(
        sim.get_json(&format!("/history/{}", ids[2])).await,
        (200, json!({}))
    );

    let mut phase_two = Vec::new();
    for (index, (body, _)) in submissions[3..].iter().enumerate() {
        let delay_s = if index == 0 { BLOCKING_STEP_DELAY_S } else { 0.0 };
        phase_two.push(resubmit(&sim, "deletes", body, delay_s).await.0);
    }
    post_empty(&sim, "/queue", Some(json!({"clear": true}))).await;
    let (_, queue) = sim.get_json("/queue").await;
    assert_eq!(queue["queue_running"][0][1], phase_two[0].as_str());
    assert_eq!(queue["queue_pending"], json!([]));
    let frames = socket.frames_until_done(&phase_two[0]).await;
    let recorded = trace.prompt_messages("main", &submissions[3].1);
    assert_same_shapes(&recorded, &ours(&frames, &phase_two[0]), "trace f phase 2");
    for cleared in &phase_two[1..] {
        assert_eq!(
            sim.get_json(&format!("/history/{cleared}")).await,
            (200, json!({}))
        );
    }
}
