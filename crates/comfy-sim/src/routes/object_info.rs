//! `GET /object_info` and `/object_info/{class}`; an unknown class answers `{}` (trace m_misc).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/object_info", get(all))
        .route("/object_info/{class}", get(one))
}

async fn all(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(Value::Object(sim.nodes.all_specs(&sim.dirs.input)))
}

async fn one(State(sim): State<Arc<Sim>>, Path(class): Path<String>) -> Json<Value> {
    Json(match sim.nodes.spec(&class, &sim.dirs.input) {
        Some(spec) => json!({class: spec}),
        None => Value::Object(Map::new()),
    })
}
