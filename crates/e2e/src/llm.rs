//! A small OpenAI-compatible LLM server for the drafting tests: `GET /v1/models` and a
//! streamed `POST /v1/chat/completions` that replays a recorded-style LM Studio answer
//! (3 scenes × 4 shots) in small chunks, with CORS as LM Studio sends it when enabled.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The answer of a 3 × 4 draft about a lighthouse keeper, as server-sent events.
const DRAFT_STREAM: &str = include_str!("../../../fixtures/llm/lmstudio_3x4.sse");
/// Bytes per chunk: small, so the page shows the answer growing.
const CHUNK_BYTES: usize = 600;
const CHUNK_GAP_MS: u64 = 15;
pub const FAKE_MODEL: &str = "fake-storyteller-7b";

/// How the server answers a chat completion.
#[derive(Debug, Clone, Copy)]
pub enum LlmAnswer {
    /// The whole draft, streamed, after `first_token_delay`.
    Draft { first_token_delay: Duration },
    /// HTTP 500 with an OpenAI-style error body.
    Error,
}

pub struct FakeLlm {
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl FakeLlm {
    pub async fn start(answer: LlmAnswer) -> Result<Self> {
        let app = axum::Router::new()
            .route("/v1/models", get(models).options(preflight))
            .route(
                "/v1/chat/completions",
                axum::routing::post(move || chat(answer)).options(preflight),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, server })
    }

    /// The base URL to type into the app: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn with_cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, authorization, accept"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    response
}

async fn preflight() -> Response {
    with_cors(StatusCode::NO_CONTENT.into_response())
}

async fn models() -> Response {
    let body = serde_json::json!({
        "object": "list",
        "data": [
            { "id": FAKE_MODEL, "object": "model", "owned_by": "organization_owner" },
            { "id": "text-embedding-nomic-embed-text-v1.5", "object": "model", "owned_by": "organization_owner" },
        ],
    });
    with_cors(axum::Json(body).into_response())
}

async fn chat(answer: LlmAnswer) -> Response {
    match answer {
        LlmAnswer::Error => {
            let body = serde_json::json!({ "error": { "message": "Model crashed while loading", "type": "server_error" } });
            with_cors((StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response())
        }
        LlmAnswer::Draft { first_token_delay } => {
            let chunks: Vec<Vec<u8>> = DRAFT_STREAM
                .as_bytes()
                .chunks(CHUNK_BYTES)
                .map(<[u8]>::to_vec)
                .collect();
            let stream = futures_util::stream::unfold(
                (chunks.into_iter(), first_token_delay),
                |(mut chunks, delay)| async move {
                    let chunk = chunks.next()?;
                    tokio::time::sleep(delay).await;
                    let gap = Duration::from_millis(CHUNK_GAP_MS);
                    Some((Ok::<_, std::io::Error>(chunk), (chunks, gap)))
                },
            );
            let response = Response::builder()
                .header(header::CONTENT_TYPE, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-cache")
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
            with_cors(response)
        }
    }
}
