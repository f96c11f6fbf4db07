//! A small synthetic job and the server inputs that move it, for the state machine
//! tests that the recordings do not cover.

use serde_json::json;
use shotline_protocol::http::{ApiPrompt, HistoryEntry};
use shotline_protocol::{Effect, Job, JobEvent, QueueSnapshot, ServerMessage, apply};

pub const ID: &str = "5d1c9a4e-0000-4000-8000-000000000001";

pub fn job() -> Job {
    let prompt: ApiPrompt = serde_json::from_value(json!({
        "1": {"class_type": "EmptyImage", "inputs": {}},
        "2": {"class_type": "KSampler", "inputs": {}, "_meta": {"title": "Main sampler"}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0]}}
    }))
    .unwrap();
    Job::new(ID, &prompt)
}

pub fn message(kind: &str, data: serde_json::Value) -> ServerMessage {
    ServerMessage::parse(&json!({"type": kind, "data": data}).to_string()).unwrap()
}

pub fn feed(job: &mut Job, kind: &str, data: serde_json::Value) -> Effect {
    apply(job, JobEvent::Message(&message(kind, data)), 0)
}

pub fn queue(running: &[&str], pending: &[&str]) -> QueueSnapshot {
    let items = |ids: &[&str]| -> Vec<_> { ids.iter().enumerate().map(|(n, id)| json!([n, id])).collect() };
    serde_json::from_value(json!({"queue_running": items(running), "queue_pending": items(pending)})).unwrap()
}

pub fn history(status: &str, messages: serde_json::Value, outputs: serde_json::Value) -> HistoryEntry {
    serde_json::from_value(json!({
        "prompt": [1, ID, {}, {"client_id": "me"}, ["3"]],
        "outputs": outputs,
        "status": {"status_str": status, "completed": status == "success", "messages": messages}
    }))
    .unwrap()
}

pub fn success() -> HistoryEntry {
    history(
        "success",
        json!([["execution_success", {"prompt_id": ID}]]),
        json!({"3": {"images": [{"filename": "out.png", "subfolder": "", "type": "output"}]}}),
    )
}

pub fn interrupted() -> HistoryEntry {
    let stop = json!({"prompt_id": ID, "node_id": "2", "node_type": "KSampler", "executed": ["1"]});
    history("error", json!([["execution_interrupted", stop]]), json!({}))
}

pub fn running_job() -> Job {
    let mut job = job();
    apply(&mut job, JobEvent::SubmitAccepted, 0);
    feed(&mut job, "execution_start", json!({"prompt_id": ID}));
    job
}

pub fn done_job() -> Job {
    let mut job = running_job();
    feed(&mut job, "execution_success", json!({"prompt_id": ID}));
    apply(&mut job, JobEvent::History(Some(&success())), 0);
    apply(&mut job, JobEvent::OutputsFetched, 0);
    job
}
