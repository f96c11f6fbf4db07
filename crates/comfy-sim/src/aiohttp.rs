//! Answers that come from aiohttp itself rather than from a ComfyUI handler.
//!
//! ComfyUI 0.3.64 adds its CORS headers in a middleware, to the response a handler *returns*.
//! When a handler *raises* instead (an unhandled exception, a method the route does not take),
//! the exception passes through the middleware and aiohttp turns it into a response afterwards,
//! without those headers (trace c: the 500s). A WebSocket handshake is sent from inside the
//! handler, before the middleware sees anything, so the 101 carries none either.
//!
//! Raised too, and so without CORS headers (both checked against aiohttp 3.14.5 running
//! server.py's middlewares): the 413 `request.read()` / `request.post()` raise for a body
//! larger than `client_max_size` (`--max-upload-size`), on `/prompt` as on `/upload/image`,
//! and the 400s `ws.prepare()` raises for a `/ws` request that is no WebSocket handshake.
//!
//! Routing: server.py ends with `web.static('/', web_root)`, a catch-all that takes GET and
//! HEAD only. An unrouted GET therefore reaches it and gets a `FileResponse` for a missing
//! file: 404, `application/octet-stream`, empty (traces k and m, `GET /api/jobs`), which does
//! pass the middleware. Any other unrouted method makes aiohttp raise 405 with an `Allow` of
//! every method of every route matching the path, the static route's GET and HEAD included.

use std::collections::BTreeSet;

use axum::extract::Request;
use axum::http::header::{ALLOW, CONNECTION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// aiohttp's body for an exception a handler did not catch (trace c).
const INTERNAL_ERROR_TEXT: &str = "500 Internal Server Error\n\nServer got itself in trouble";
/// aiohttp's `HTTPMethodNotAllowed` text: `"{status}: {reason}"`.
const METHOD_NOT_ALLOWED_TEXT: &str = "405: Method Not Allowed";
const PLAIN_TEXT: &str = "text/plain; charset=utf-8";
/// What a `FileResponse` of the static route declares when the file is missing.
const STATIC_FILE_TYPE: &str = "application/octet-stream";
/// `HTTPRequestEntityTooLarge`'s text in aiohttp 3.14 (no actual size any more).
const BODY_TOO_LARGE_TEXT: &str = "Maximum request body size {max} exceeded.";
/// The methods of the catch-all static route.
const STATIC_ROUTE_METHODS: [&str; 2] = ["GET", "HEAD"];

/// Marks a response that ComfyUI's middlewares never saw, so it gets no CORS headers.
#[derive(Debug, Clone, Copy)]
pub struct SkipsMiddlewares;

fn skipping_middlewares(mut response: Response) -> Response {
    response.extensions_mut().insert(SkipsMiddlewares);
    response
}

pub fn skips_middlewares(response: &Response) -> bool {
    response.extensions().get::<SkipsMiddlewares>().is_some()
}

/// What a handler that raised answers: aiohttp closes the connection after it.
pub fn internal_server_error() -> Response {
    skipping_middlewares(
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(CONTENT_TYPE, PLAIN_TEXT), (CONNECTION, "close")],
            INTERNAL_ERROR_TEXT,
        )
            .into_response(),
    )
}

/// An `HTTPBadRequest` a handler raised, with aiohttp's text for it.
pub fn bad_request(text: String) -> Response {
    skipping_middlewares((StatusCode::BAD_REQUEST, [(CONTENT_TYPE, PLAIN_TEXT)], text).into_response())
}

/// `HTTPRequestEntityTooLarge`: the connection stays open, unlike after a 500.
fn body_too_large(max_body_bytes: u64) -> Response {
    let text = BODY_TOO_LARGE_TEXT.replace("{max}", &max_body_bytes.to_string());
    skipping_middlewares((StatusCode::PAYLOAD_TOO_LARGE, [(CONTENT_TYPE, PLAIN_TEXT)], text).into_response())
}

/// Turns the 413 of axum's body limit, which any body extractor may hit, into aiohttp's.
/// The limit counts the whole body, multipart framing included, like aiohttp's; it allows
/// a body of exactly `client_max_size` bytes, as aiohttp's `>` does.
pub async fn reshape_body_too_large(max_body_bytes: u64, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !skips_middlewares(&response) {
        return body_too_large(max_body_bytes);
    }
    response
}

/// A response whose headers went out before the middlewares ran (the WebSocket handshake).
pub fn sent_before_middlewares(response: Response) -> Response {
    skipping_middlewares(response)
}

/// The static route's answer for a path with no file behind it.
pub fn static_file_not_found() -> Response {
    (StatusCode::NOT_FOUND, [(CONTENT_TYPE, STATIC_FILE_TYPE)]).into_response()
}

/// `allowed` are the methods of the routes that matched the path, without the static route's.
fn method_not_allowed<'a>(allowed: impl IntoIterator<Item = &'a str>) -> Response {
    let methods: BTreeSet<String> = allowed
        .into_iter()
        .chain(STATIC_ROUTE_METHODS)
        .map(|method| method.trim().to_ascii_uppercase())
        .filter(|method| !method.is_empty())
        .collect();
    let allow = methods.into_iter().collect::<Vec<_>>().join(",");
    let allow = HeaderValue::from_str(&allow).unwrap_or(HeaderValue::from_static("GET,HEAD"));
    skipping_middlewares(
        (
            StatusCode::METHOD_NOT_ALLOWED,
            [
                (ALLOW, allow),
                (CONTENT_TYPE, HeaderValue::from_static(PLAIN_TEXT)),
            ],
            METHOD_NOT_ALLOWED_TEXT,
        )
            .into_response(),
    )
}

fn served_by_static_route(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// The router's fallback: a path no route matches.
pub async fn unmatched(method: Method) -> Response {
    if served_by_static_route(&method) {
        static_file_not_found()
    } else {
        method_not_allowed([])
    }
}

/// Turns axum's 405 for a route that exists with other methods into aiohttp's answer: a GET
/// or HEAD goes on to the static route (404), anything else gets the bare 405.
pub async fn reshape_method_mismatch(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED || skips_middlewares(&response) {
        return response;
    }
    if served_by_static_route(&method) {
        return static_file_not_found();
    }
    let allowed = response
        .headers()
        .get(ALLOW)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    method_not_allowed(allowed.split(','))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_the_route_and_static_methods_sorted_like_aiohttp() {
        let response = method_not_allowed(["POST", "GET", "HEAD"]);
        assert_eq!(response.headers()[ALLOW], "GET,HEAD,POST");
        assert!(skips_middlewares(&response));
    }
}
