//! `GET /view`: files from the output, input and temp folders, with Range support (trace h).

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::state::Sim;

/// How long a cut-off `/view` answer keeps its connection after the first half.
const CUT_AFTER: Duration = Duration::from_millis(100);

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/view", get(view))
}

#[derive(Debug, Deserialize)]
struct ViewQuery {
    filename: Option<String>,
    #[serde(default)]
    subfolder: String,
    #[serde(rename = "type", default = "output_kind")]
    kind: String,
}

fn output_kind() -> String {
    "output".to_owned()
}

fn content_type(filename: &str) -> &'static str {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

/// Missing file or no filename → 404, traversal or unknown type → 400, all with empty bodies.
async fn view(State(sim): State<Arc<Sim>>, Query(query): Query<ViewQuery>, headers: HeaderMap) -> Response {
    let Some(filename) = query.filename else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(base) = sim.dirs.for_kind(&query.kind) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(path) = crate::paths::resolve_in(base, &query.subfolder, &filename) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let delay_ms = sim.faults().view_delay_ms;
    if let Some(delay_ms) = delay_ms {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    }
    let (Ok(bytes), Ok(metadata)) = (tokio::fs::read(&path).await, tokio::fs::metadata(&path).await) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let modified_ns = modified
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or(0);
    let mut response_headers = HeaderMap::new();
    let mut set = |name, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.insert(name, value);
        }
    };
    set(header::CONTENT_TYPE, content_type(&filename).to_owned());
    set(
        header::CONTENT_DISPOSITION,
        format!("filename=\"{}\"", filename.replace('"', "")),
    );
    set(header::ACCEPT_RANGES, "bytes".to_owned());
    set(header::ETAG, format!("\"{modified_ns:x}-{:x}\"", bytes.len()));
    set(header::LAST_MODIFIED, httpdate::fmt_http_date(modified));
    let total = bytes.len();
    if sim.faults().take_view_cut() {
        return cut_off(response_headers, bytes);
    }
    match headers.get(header::RANGE).and_then(|value| value.to_str().ok()) {
        None => (response_headers, bytes).into_response(),
        Some(range) => match byte_range(range, total) {
            Some((start, end)) => {
                set(header::CONTENT_RANGE, format!("bytes {start}-{end}/{total}"));
                (
                    StatusCode::PARTIAL_CONTENT,
                    response_headers,
                    bytes[start..=end].to_vec(),
                )
                    .into_response()
            }
            None => {
                set(header::CONTENT_RANGE, format!("bytes */{total}"));
                (StatusCode::RANGE_NOT_SATISFIABLE, response_headers).into_response()
            }
        },
    }
}

/// The `cut_view_times` fault: the full length announced, half the bytes sent, then the
/// body fails, which makes hyper drop the connection mid-body as a dying proxy would.
fn cut_off(mut headers: HeaderMap, mut bytes: Vec<u8>) -> Response {
    use futures_util::StreamExt;
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    bytes.truncate(bytes.len() / 2);
    let head = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    // The pause lets hyper flush the headers and the first half before the break: an error
    // in the same poll would abort the answer before anything was written.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(CUT_AFTER).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "cut_view_times fault",
        ))
    });
    let body = axum::body::Body::from_stream(head.chain(cut));
    (headers, body).into_response()
}

/// Inclusive `(start, end)` of a single `bytes=` range, clamped to the file.
fn byte_range(range: &str, total: usize) -> Option<(usize, usize)> {
    let (start, end) = range.strip_prefix("bytes=")?.split_once('-')?;
    let last = total.checked_sub(1)?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => (total.saturating_sub(suffix.parse().ok()?), last),
        (start, "") => (start.parse().ok()?, last),
        (start, end) => (start.parse().ok()?, end.parse::<usize>().ok()?.min(last)),
    };
    (start <= end && start <= last).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(byte_range("bytes=0-99", 966), Some((0, 99)));
        assert_eq!(byte_range("bytes=900-", 966), Some((900, 965)));
        assert_eq!(byte_range("bytes=-10", 966), Some((956, 965)));
        assert_eq!(byte_range("bytes=0-5000", 966), Some((0, 965)));
        assert_eq!(byte_range("bytes=2000-", 966), None);
    }
}
