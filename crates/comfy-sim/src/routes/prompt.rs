//! `POST /prompt` (validate and queue) and `GET /prompt` (queue length), as in trace c.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Number, Value, json};

use crate::queue::{PromptNumber, QueueItem};
use crate::state::Sim;
use crate::validate::{Rejection, validate};

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/prompt", get(queue_info).post(submit))
}

async fn queue_info(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!({"exec_info": {"queue_remaining": sim.queue_remaining()}}))
}

/// What 0.3.64 sends when `post_prompt` raises: non-JSON bodies, `prompt` not an object (trace c).
fn internal_error() -> Response {
    crate::aiohttp::internal_server_error()
}

async fn submit(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&body) else {
        return internal_error();
    };
    let Some(number) = queue_number(&sim, &request) else {
        return internal_error();
    };
    let prompt = match request.get("prompt") {
        None => {
            return rejection(
                json!({"type": "no_prompt", "message": "No prompt provided",
            "details": "No prompt provided", "extra_info": {}}),
                Map::new(),
            );
        }
        Some(Value::Object(prompt)) => prompt.clone(),
        Some(_) => return internal_error(),
    };
    let accepted = match validate(&sim, &prompt) {
        Ok(accepted) => accepted,
        Err(Rejection { error, node_errors }) => return rejection(error, node_errors),
    };
    // 0.3.64 takes any client-given prompt_id verbatim, even a non-UUID (trace c, case 5).
    let prompt_id = match request.get("prompt_id") {
        Some(Value::String(given)) => given.clone(),
        _ => uuid::Uuid::new_v4().to_string(),
    };
    let mut extra_data = match request.get("extra_data") {
        Some(Value::Object(extra)) => extra.clone(),
        _ => Map::new(),
    };
    if let Some(client_id) = request.get("client_id").filter(|id| id.is_string()) {
        extra_data.insert("client_id".to_owned(), client_id.clone());
    }
    let item = QueueItem {
        number: PromptNumber(number.clone()),
        prompt_id: prompt_id.clone(),
        prompt,
        extra_data,
        outputs_to_execute: accepted.outputs,
    };
    sim.log_prompt(|log| log.accepted(&item.prompt_id, &item.prompt));
    sim.queue().push(item);
    sim.broadcast_status();
    sim.queue_changed.notify_one();
    let answer_delay_ms = sim.faults().prompt_answer_delay_ms;
    if let Some(delay_ms) = answer_delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
    Json(json!({"prompt_id": prompt_id, "number": number, "node_errors": accepted.node_errors}))
        .into_response()
}

/// server.py: a client `number` is taken as `float(number)` and leaves the counter alone;
/// otherwise the counter gives it (negated for a truthy `front`) and moves on, before
/// validation, so rejected submits use up numbers too (trace c: 3 → 14). `None` where
/// `float()` raises.
fn queue_number(sim: &Sim, request: &Map<String, Value>) -> Option<Number> {
    if let Some(given) = request.get("number") {
        return crate::nodes::value_as_f64(given).and_then(Number::from_f64);
    }
    let counter = i64::try_from(sim.prompt_counter.fetch_add(1, Ordering::SeqCst)).unwrap_or(i64::MAX);
    let front = request.get("front").is_some_and(is_truthy);
    Some(Number::from(if front { -counter } else { counter }))
}

/// Python's truth value of a JSON value.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|number| number != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

fn rejection(error: Value, node_errors: Map<String, Value>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "node_errors": node_errors})),
    )
        .into_response()
}
