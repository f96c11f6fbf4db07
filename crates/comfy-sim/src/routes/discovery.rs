//! Routes that describe the server: system stats, features and the small listings of trace m_misc.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::Sim;
use crate::system;

/// Model folders as a 0.3.64 server lists them at `GET /models`.
const MODEL_FOLDERS: [&str; 12] = [
    "checkpoints",
    "configs",
    "loras",
    "vae",
    "text_encoders",
    "diffusion_models",
    "clip_vision",
    "style_models",
    "embeddings",
    "controlnet",
    "upscale_models",
    "custom_nodes",
];

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/system_stats", get(system_stats))
        .route("/features", get(features))
        .route("/embeddings", get(|| async { Json(json!([])) }))
        .route("/extensions", get(|| async { Json(json!([])) }))
        .route("/models", get(|| async { Json(json!(MODEL_FOLDERS)) }))
        .route("/settings", get(|| async { Json(json!({})) }))
        .route(
            "/users",
            get(|| async { Json(json!({"storage": "server", "migrated": true})) }),
        )
        .route("/free", post(|| async { StatusCode::OK }))
}

async fn system_stats(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(system::system_stats(&sim.config))
}

async fn features(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(sim.features())
}
