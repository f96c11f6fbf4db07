//! `GET/POST /queue` and `POST /interrupt`: always 200 with an empty body (traces e and f).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/queue", get(show_queue).post(change_queue))
        .route("/interrupt", post(interrupt))
}

async fn show_queue(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(sim.queue().to_json())
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `{"delete": [ids]}` removes pending prompts, `{"clear": true}` all pending; the running
/// prompt is never touched. A real change is announced with `status`.
async fn change_queue(State(sim): State<Arc<Sim>>, body: Bytes) -> StatusCode {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut changed = false;
    if request.get("clear").and_then(Value::as_bool) == Some(true) {
        changed |= sim.queue().clear_pending();
    }
    let ids = string_list(request.get("delete"));
    if !ids.is_empty() {
        changed |= sim.queue().delete_pending(&ids);
    }
    if changed {
        sim.broadcast_status();
    }
    StatusCode::OK
}

/// With a `prompt_id` only that prompt is interrupted, and only while it runs.
async fn interrupt(State(sim): State<Arc<Sim>>, body: Bytes) -> StatusCode {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let target = request
        .get("prompt_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let running = sim.queue().running().map(|item| item.prompt_id.clone());
    let applies = match (&target, &running) {
        (Some(target), Some(running)) => target == running,
        (None, Some(_)) => true,
        (_, None) => false,
    };
    if applies {
        sim.interrupt_requested.store(true, Ordering::SeqCst);
    }
    StatusCode::OK
}
