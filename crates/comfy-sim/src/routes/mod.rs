//! The HTTP surface. Every ComfyUI route also exists under `/api` (trace m_misc).

mod control;
mod discovery;
mod history;
mod logs;
mod object_info;
mod prompt;
mod sim_faults;
mod upload;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;

use crate::state::Sim;
use crate::{aiohttp, origin, ws};

pub fn app(sim: Arc<Sim>) -> Router {
    let comfy = comfy_routes();
    let max_body_bytes = sim.config.max_upload_size_bytes();
    let body_limit_bytes = usize::try_from(max_body_bytes).unwrap_or(usize::MAX);
    // server.py mounts its internal routes as a sub-app at `/internal` only, not under `/api`.
    let mut router = Router::new()
        .merge(comfy.clone())
        .nest("/api", comfy)
        .merge(logs::routes());
    if sim.config.faults {
        router = router
            .merge(sim_faults::routes())
            .fallback(aiohttp::unmatched)
            .layer(from_fn_with_state(Arc::clone(&sim), sim_faults::guard));
    }
    let routed = router
        .fallback(aiohttp::unmatched)
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .with_state(Arc::clone(&sim));
    // `Router::layer` wraps each route on its own, where axum's 405 has no `Allow` header yet;
    // these must see the router's finished answers, so they wrap it from outside.
    Router::new()
        .fallback_service(routed)
        .layer(from_fn(aiohttp::reshape_method_mismatch))
        .layer(from_fn(move |request, next| {
            aiohttp::reshape_body_too_large(max_body_bytes, request, next)
        }))
        .layer(from_fn_with_state(sim, origin::guard))
}

fn comfy_routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/", get(index_page))
        .route("/ws", get(ws::upgrade))
        .merge(discovery::routes())
        .merge(prompt::routes())
        .merge(control::routes())
        .merge(history::routes())
        .merge(view::routes())
        .merge(upload::routes())
        .merge(object_info::routes())
}

/// The frontend's `index.html` in 0.3.64 (`get_root`): no frontend here, only a page that
/// says what this is, with the same type and cache headers (trace m_misc, `GET /`).
async fn index_page() -> impl axum::response::IntoResponse {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, EXPIRES, PRAGMA};
    (
        [
            (CONTENT_TYPE, "text/html"),
            (CACHE_CONTROL, "no-cache"),
            (PRAGMA, "no-cache"),
            (EXPIRES, "0"),
        ],
        INDEX_HTML,
    )
}

const INDEX_HTML: &str = "<!DOCTYPE html><html><head><title>comfy-sim</title></head>\
<body><p>comfy-sim: a ComfyUI 0.3.64 stand-in without a frontend.</p></body></html>\n";
