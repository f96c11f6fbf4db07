//! `GET /history`, `GET /history/{id}`, `POST /history` (trace m_misc).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/history", get(list).post(change))
        .route("/history/{prompt_id}", get(one))
}

#[derive(Debug, Deserialize)]
struct Page {
    max_items: Option<usize>,
    offset: Option<usize>,
}

/// The `history_delay_ms` fault slows every history read.
async fn delay(sim: &Sim) {
    let delay_ms = sim.faults().history_delay_ms;
    if let Some(delay_ms) = delay_ms {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    }
}

async fn list(State(sim): State<Arc<Sim>>, Query(page): Query<Page>) -> Json<IndexMap<String, Value>> {
    delay(&sim).await;
    Json(sim.history().page(page.max_items, page.offset))
}

/// `{}` while queued, running or unknown; `{id: entry}` once finished.
async fn one(State(sim): State<Arc<Sim>>, Path(prompt_id): Path<String>) -> Json<Value> {
    delay(&sim).await;
    let entry = sim.history().get(&prompt_id).cloned();
    Json(match entry {
        Some(entry) => json!({prompt_id: entry}),
        None => Value::Object(Map::new()),
    })
}

async fn change(State(sim): State<Arc<Sim>>, body: Bytes) -> StatusCode {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if request.get("clear").and_then(Value::as_bool) == Some(true) {
        sim.history().clear();
    }
    if let Some(ids) = request.get("delete").and_then(Value::as_array) {
        let ids: Vec<String> = ids
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        sim.history().delete(&ids);
    }
    StatusCode::OK
}
