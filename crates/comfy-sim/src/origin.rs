//! ComfyUI's two request guards: the loopback origin check (default) and, with
//! `--enable-cors-header`, unconditional CORS headers. Both behaviours are recorded in
//! trace k_origin_403.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::Sim;

/// The four headers ComfyUI adds in CORS mode to every response a handler returns, 404s and
/// 400s included; not to what aiohttp answers for a raised exception (see `aiohttp`).
const CORS_ALLOW_METHODS: &str = "POST, GET, DELETE, PUT, OPTIONS";
const CORS_ALLOW_HEADERS: &str = "Content-Type, Authorization";

pub async fn guard(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if let Some(allowed_origin) = &sim.config.cors_origin {
        let mut response = respond(request, next).await;
        if !crate::aiohttp::skips_middlewares(&response) {
            add_cors_headers(response.headers_mut(), allowed_origin);
        }
        return response;
    }
    if is_cross_origin_to_loopback(request.headers()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    respond(request, next).await
}

/// ComfyUI answers OPTIONS itself on every path, before routing, with 200 and no body.
async fn respond(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        StatusCode::OK.into_response()
    } else {
        next.run(request).await
    }
}

fn add_cors_headers(headers: &mut HeaderMap, allowed_origin: &str) {
    let allow_origin = HeaderValue::from_str(allowed_origin).unwrap_or(HeaderValue::from_static("*"));
    headers.insert(
        HeaderName::from_static("access-control-allow-origin"),
        allow_origin,
    );
    headers.insert(
        HeaderName::from_static("access-control-allow-methods"),
        HeaderValue::from_static(CORS_ALLOW_METHODS),
    );
    headers.insert(
        HeaderName::from_static("access-control-allow-headers"),
        HeaderValue::from_static(CORS_ALLOW_HEADERS),
    );
    headers.insert(
        HeaderName::from_static("access-control-allow-credentials"),
        HeaderValue::from_static("true"),
    );
}

fn is_cross_origin_to_loopback(headers: &HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    match (header(HOST), header(ORIGIN)) {
        (Some(host), Some(origin)) => origin_rejected(host, origin),
        _ => false,
    }
}

/// True when `Host` is a loopback name and `Origin` names another host:port. When either side
/// has no port only the host names are compared; `Origin: null` has no host and passes.
fn origin_rejected(host: &str, origin: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let origin = origin.to_ascii_lowercase();
    let (host_name, host_port) = split_authority(&host);
    let origin_authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default();
    let (origin_name, origin_port) = split_authority(origin_authority);
    if !is_loopback(host_name) || host_name.is_empty() || origin_name.is_empty() {
        return false;
    }
    match (host_port, origin_port) {
        (Some(host_port), Some(origin_port)) => host_name != origin_name || host_port != origin_port,
        _ => host_name != origin_name,
    }
}

/// Splits `name:port` or `[v6]:port`; the port is `None` when absent.
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (name, after.strip_prefix(':'));
    }
    match authority.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (authority, None),
    }
}

fn is_loopback(host_name: &str) -> bool {
    match host_name.parse::<IpAddr>() {
        Ok(address) => address.is_loopback(),
        Err(_) => host_name == "localhost" || host_name.ends_with(".localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::origin_rejected;

    #[test]
    fn rejects_the_mismatches_recorded_in_trace_k() {
        assert!(origin_rejected("127.0.0.1:8188", "http://localhost:8080"));
        assert!(origin_rejected("127.0.0.1:8188", "http://localhost:8188"));
        assert!(origin_rejected("127.0.0.1:8188", "http://127.0.0.1:5173"));
        assert!(origin_rejected("localhost:8188", "http://localhost:8080"));
    }

    #[test]
    fn passes_what_trace_k_shows_passing() {
        assert!(!origin_rejected("127.0.0.1:8188", "http://127.0.0.1:8188"));
        assert!(!origin_rejected("127.0.0.1:8188", "http://127.0.0.1"));
        assert!(!origin_rejected("127.0.0.1:8188", "null"));
        assert!(!origin_rejected("example.com:8188", "http://localhost:8080"));
    }

    #[test]
    fn ipv6_loopback_host_is_checked_too() {
        assert!(origin_rejected("[::1]:8188", "http://localhost:8080"));
        assert!(!origin_rejected("[::1]:8188", "http://[::1]:8188"));
    }
}
