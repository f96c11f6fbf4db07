//! Every recorded HTTP response and WebSocket handshake of the 13 traces, replayed against the
//! simulator in the mode it was recorded in (CORS on, except the first half of trace k). Each
//! answer must match the recording in status, in the names of its `Access-Control-*` headers,
//! in its Content-Type (absent, or the same media type) and, for errors, in the shape of its
//! body (JSON with the recorded keys, the recorded text, or nothing). A browser on another
//! origin can read a response only when those headers say so, so a simulator that adds them
//! where ComfyUI sends none would hide real failures.

mod common;

use std::collections::BTreeSet;

use comfy_sim::Config;
use common::replay::{
    ensure_viewed_file_exists, our_body_shape, our_facts, recorded_body_shape, recorded_facts,
    replay_handshake, replay_http,
};
use common::{TestSim, load_fixture, spawn};
use reqwest::Method;
use serde_json::Value;

const TRACES: [&str; 13] = [
    "a_success_image",
    "b_execution_error",
    "c_validation_error",
    "d_queue_positions",
    "e_interrupt",
    "f_delete_pending",
    "g_progress",
    "h_animated",
    "i_ws_reconnect",
    "j_previews",
    "k_origin_403",
    "l_upload",
    "m_misc",
];

/// The two servers of a replay: trace k restarts ComfyUI with `--enable-cors-header` halfway.
struct Servers {
    strict: TestSim,
    cors: TestSim,
    cors_mode: bool,
}

impl Servers {
    fn current(&self) -> &TestSim {
        if self.cors_mode { &self.cors } else { &self.strict }
    }
}

fn response_of<'a>(events: &'a [Value], request: &Value) -> &'a Value {
    events
        .iter()
        .find(|event| event["kind"] == "http_response" && event["id"] == request["id"])
        .expect("paired response")
}

fn handshake_of<'a>(events: &'a [Value], connect: &Value) -> Option<&'a Value> {
    events.iter().find(|event| {
        (event["kind"] == "ws_open" || event["kind"] == "ws_connect_failed")
            && event["conn"] == connect["conn"]
    })
}

/// Replays one trace and returns a line per divergence.
async fn divergences_of(name: &str) -> Vec<String> {
    let trace = load_fixture(&format!("traces/{name}.json"));
    let events = trace["events"].as_array().cloned().unwrap_or_default();
    let starts_strict = name.starts_with('k');
    let mut servers = Servers {
        strict: spawn(Config::for_tests()).await,
        cors: spawn(Config {
            cors_origin: Some("*".to_owned()),
            ..Config::for_tests()
        })
        .await,
        cors_mode: !starts_strict,
    };
    let mut found = Vec::new();
    for event in &events {
        let kind = event["kind"].as_str().unwrap_or_default();
        if kind == "note"
            && event["text"]
                .as_str()
                .is_some_and(|text| text.contains("WITH --enable"))
        {
            servers.cors_mode = true;
        }
        let sim = servers.current();
        if kind == "http_request" {
            let recorded = response_of(&events, event);
            let label = format!("{name} #{} {} {}", event["id"], event["method"], event["path"]);
            if event["path"]
                .as_str()
                .is_some_and(|path| path.starts_with("/view"))
                && matches!(recorded["status"].as_u64(), Some(200 | 206))
            {
                ensure_viewed_file_exists(sim, event["path"].as_str().unwrap_or_default());
            }
            let (facts, body) = replay_http(sim, event).await;
            let expected = recorded_facts(recorded);
            if facts != expected {
                found.push(format!("{label}: got {facts:?}, recorded {expected:?}"));
            }
            if expected.status >= 400 && our_body_shape(&body) != recorded_body_shape(recorded) {
                found.push(format!(
                    "{label}: body {:?}, recorded {:?}",
                    our_body_shape(&body),
                    recorded_body_shape(recorded)
                ));
            }
        } else if kind == "ws_connect" {
            let recorded = handshake_of(&events, event).expect("recorded handshake");
            let facts = replay_handshake(sim, event).await;
            let expected = recorded_facts(recorded);
            if facts != expected {
                found.push(format!(
                    "{name} socket {}: got {facts:?}, recorded {expected:?}",
                    event["conn"]
                ));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_recorded_answer_has_the_recorded_status_cors_headers_content_type_and_error_body() {
    let mut found = Vec::new();
    for name in TRACES {
        found.extend(divergences_of(name).await);
    }
    assert!(
        found.is_empty(),
        "divergences from the traces:\n{}",
        found.join("\n")
    );
}

/// Not in any trace, so read from aiohttp 3.x and ComfyUI 0.3.64's server.py: every path
/// falls through to the `/` static route, which takes only GET and HEAD. A POST to a route
/// 0.3.64 does not have (the jobs API of newer servers) makes aiohttp raise 405; the raise
/// skips the CORS middleware, so a foreign page cannot even read that status.
#[tokio::test]
async fn unknown_post_routes_get_aiohttps_bare_405_like_post_to_a_jobs_cancel_url() {
    let sim = spawn(Config {
        cors_origin: Some("*".to_owned()),
        ..Config::for_tests()
    })
    .await;
    let cases = [
        (
            Method::POST,
            "/api/jobs/0f8fad5b-d9cb-469f-a165-70867728950e/cancel",
            "GET,HEAD",
        ),
        (Method::POST, "/api/jobs/cancel", "GET,HEAD"),
        (Method::PUT, "/prompt", "GET,HEAD,POST"),
        (Method::DELETE, "/api/queue", "GET,HEAD,POST"),
    ];
    for (method, path, allow) in cases {
        let response = sim
            .http
            .request(method.clone(), sim.url(path))
            .header("origin", "http://localhost:8080")
            .send()
            .await
            .expect("answer");
        let label = format!("{method} {path}");
        assert_eq!(response.status(), 405, "{label}");
        let facts = our_facts(405, response.headers());
        assert_eq!(facts.cors_headers, BTreeSet::new(), "{label}: no CORS headers");
        assert_eq!(facts.media_type.as_deref(), Some("text/plain"), "{label}");
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|value| value.to_str().ok()),
            Some(allow),
            "{label}"
        );
        assert_eq!(
            response.text().await.expect("text"),
            "405: Method Not Allowed",
            "{label}"
        );
    }
}

/// The same static route answers a GET for a POST-only route: with a 404 for the missing
/// file, which does pass through the CORS middleware (like `GET /api/jobs` in trace m).
#[tokio::test]
async fn get_on_a_post_only_route_is_the_static_routes_404_with_cors_headers() {
    let sim = spawn(Config {
        cors_origin: Some("*".to_owned()),
        ..Config::for_tests()
    })
    .await;
    for path in ["/upload/image", "/api/interrupt", "/free"] {
        let response = sim.http.get(sim.url(path)).send().await.expect("answer");
        assert_eq!(response.status(), 404, "GET {path}");
        let facts = our_facts(404, response.headers());
        assert_eq!(facts.cors_headers.len(), 4, "GET {path}");
        assert_eq!(
            facts.media_type.as_deref(),
            Some("application/octet-stream"),
            "GET {path}"
        );
        assert_eq!(response.bytes().await.expect("body").len(), 0, "GET {path}");
    }
}
