//! The HTTP surface. Every ComfyUI route also exists under `/api` (trace m_misc).

mod control;
mod discovery;
mod history;
mod object_info;
mod prompt;
mod sim_faults;
mod upload;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::get;

use crate::state::Sim;
use crate::{origin, ws};

pub fn app(sim: Arc<Sim>) -> Router {
    let comfy = comfy_routes();
    let body_limit_bytes = usize::try_from(sim.config.max_upload_size_bytes()).unwrap_or(usize::MAX);
    let mut router = Router::new().merge(comfy.clone()).nest("/api", comfy);
    if sim.config.faults {
        router = router
            .merge(sim_faults::routes())
            .fallback(|| async { StatusCode::NOT_FOUND })
            .layer(from_fn_with_state(Arc::clone(&sim), sim_faults::guard));
    }
    router
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .layer(from_fn_with_state(Arc::clone(&sim), origin::guard))
        .with_state(sim)
}

fn comfy_routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/ws", get(ws::upgrade))
        .merge(discovery::routes())
        .merge(prompt::routes())
        .merge(control::routes())
        .merge(history::routes())
        .merge(view::routes())
        .merge(upload::routes())
        .merge(object_info::routes())
}
