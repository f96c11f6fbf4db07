//! The origin check and CORS mode, replayed from trace k_origin_403.

mod common;

use comfy_sim::Config;
use common::{load_fixture, spawn, spawn_default};
use reqwest::Method;

const CORS_HEADERS: [(&str, &str); 4] = [
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "POST, GET, DELETE, PUT, OPTIONS"),
    ("access-control-allow-headers", "Content-Type, Authorization"),
    ("access-control-allow-credentials", "true"),
];

/// Replays every HTTP request of trace k in the mode it was recorded in and compares status
/// codes and the presence of CORS headers. The trace's Host `127.0.0.1:8188` is rewritten to
/// the test port so "same origin" stays same origin.
#[tokio::test]
async fn every_http_request_of_trace_k_gets_the_recorded_status_and_cors_headers() {
    let trace = load_fixture("traces/k_origin_403.json");
    let strict = spawn_default().await;
    let cors = spawn(Config {
        cors_origin: Some("*".to_owned()),
        ..Config::for_tests()
    })
    .await;
    let mut cors_mode = false;
    let mut checked = 0;
    let events = trace["events"].as_array().expect("events");
    for event in events {
        if event["kind"] == "note"
            && event["text"]
                .as_str()
                .is_some_and(|text| text.contains("WITH --enable"))
        {
            cors_mode = true;
        }
        if event["kind"] != "http_request" {
            continue;
        }
        let response_event = events
            .iter()
            .find(|other| other["kind"] == "http_response" && other["id"] == event["id"])
            .expect("paired response");
        let sim = if cors_mode { &cors } else { &strict };
        let port = sim.addr.port().to_string();
        let rewrite = |value: &str| value.replace(":8188", &format!(":{port}"));
        let method =
            Method::from_bytes(event["method"].as_str().unwrap_or("GET").as_bytes()).expect("method");
        let mut request = sim
            .http
            .request(method, sim.url(event["path"].as_str().expect("path")));
        if let Some(headers) = event["headers"].as_object() {
            for (name, value) in headers {
                request = request.header(name.as_str(), rewrite(value.as_str().expect("header text")));
            }
        }
        if let Some(body) = event.get("json") {
            request = request.json(body);
        }
        let response = request.send().await.expect("answer");
        let expected_status = response_event["status"].as_u64().expect("status");
        assert_eq!(
            u64::from(response.status().as_u16()),
            expected_status,
            "request {}",
            event["id"]
        );
        for (name, value) in CORS_HEADERS {
            let got = response.headers().get(name).and_then(|got| got.to_str().ok());
            assert_eq!(
                got,
                cors_mode.then_some(value),
                "{name} on request {}",
                event["id"]
            );
        }
        if expected_status == 403 {
            assert!(
                response.bytes().await.expect("body").is_empty(),
                "403 bodies are empty"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 21, "all HTTP requests of trace k were replayed");
}

#[tokio::test]
async fn websocket_upgrade_with_foreign_origin_is_refused_with_403_without_cors_flag() {
    let sim = spawn_default().await;
    let refused = sim.socket_with_origin("abc", Some("http://localhost:8080")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!(
            "expected a 403 handshake failure, got {:?}",
            other.map(|_| "open socket")
        ),
    }
    let same = format!("http://127.0.0.1:{}", sim.addr.port());
    let mut socket = sim
        .socket_with_origin("abc", Some(&same))
        .await
        .expect("same origin opens");
    let status = socket.next_json().await;
    assert_eq!(status["type"], "status");
    assert_eq!(status["data"]["sid"], "abc");
}

#[tokio::test]
async fn cors_mode_accepts_foreign_origin_websocket_and_uses_the_given_origin() {
    let origin = "http://localhost:8080";
    let sim = spawn(Config {
        cors_origin: Some(origin.to_owned()),
        ..Config::for_tests()
    })
    .await;
    let mut socket = sim
        .socket_with_origin("xyz", Some(origin))
        .await
        .expect("CORS mode opens");
    assert_eq!(
        socket.next_json().await["data"]["status"]["exec_info"]["queue_remaining"],
        0
    );
    let response = sim
        .http
        .get(sim.url("/nonexistent_path"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
}
