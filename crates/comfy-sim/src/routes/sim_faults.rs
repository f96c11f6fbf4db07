//! `/sim/faults`, `/sim/requests` and `/sim/prompts` (only with `--faults`) and the middleware that applies
//! HTTP-level faults and counts requests.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::faults::FaultRequest;
use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/sim/faults", get(show).post(inject).delete(reset))
        .route("/sim/requests", get(show_requests).delete(reset_requests))
        .route("/sim/prompts", get(show_prompts))
}

/// `{"/queue": 3, "/history/<id>": 1, ...}`: requests per path (without `/api`) since the
/// start or the last DELETE, so a test can see how often a client polls.
async fn show_requests(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!(sim.request_counts()))
}

/// `[{"prompt_id", "prompt", "accepted", "started"}, ...]`: every prompt queued since the
/// start, in that order, restarts and history clears notwithstanding.
async fn show_prompts(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(sim.prompt_log_json())
}

async fn reset_requests(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.reset_request_counts();
    Json(json!(sim.request_counts()))
}

async fn show(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(sim.faults().to_json(Instant::now()))
}

/// Merges the request into the active faults and answers with the new state; a body that is
/// not a fault object → 400 `{"error": reason}`.
async fn inject(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let request: FaultRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": error.to_string()}))).into_response();
        }
    };
    sim.faults().apply(&request, Instant::now());
    if request.restart {
        sim.queue().reset();
        sim.history().clear();
        sim.restart_count.fetch_add(1, Ordering::SeqCst);
        sim.interrupt_requested.store(true, Ordering::SeqCst);
    }
    if request.drop_ws || request.restart {
        sim.hub.disconnect_all();
    }
    if request.clear_input
        && let Err(error) = empty_folder(&sim.dirs.input)
    {
        let reason = format!("the input folder could not be emptied: {error}");
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": reason}))).into_response();
    }
    Json(sim.faults().to_json(Instant::now())).into_response()
}

/// Removes everything inside `folder`, which stays (ComfyUI expects it to exist).
fn empty_folder(folder: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

async fn reset(State(sim): State<Arc<Sim>>) -> Json<Value> {
    *sim.faults() = crate::faults::ActiveFaults::default();
    Json(sim.faults().to_json(Instant::now()))
}

/// During a simulated restart, requests on connections opened before it get 503 and the
/// connection is closed (new connections are refused by the listener); an `http` fault
/// answers its path with the configured status and an empty body.
pub async fn guard(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/sim/") {
        return next.run(request).await;
    }
    sim.count_request(&path);
    if sim.is_restarting() {
        let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    let injected = sim.faults().take_http_answer(&path);
    match injected {
        Some(answer) if answer.raised => crate::aiohttp::internal_server_error(),
        Some(answer) => match StatusCode::from_u16(answer.status) {
            Ok(status) => status.into_response(),
            Err(_) => next.run(request).await,
        },
        None => next.run(request).await,
    }
}
