//! Answers aiohttp makes from an exception a handler raised, which pass ComfyUI's CORS
//! middleware without its headers: the 413 for a body over `--max-upload-size` and the 400s
//! of `ws.prepare()` for a `/ws` request that is no handshake. Status, text and headers are
//! those of aiohttp 3.14.5 running server.py 0.3.64's middlewares and handlers.

mod common;

use comfy_sim::Config;
use common::{TestSim, spawn};
use reqwest::multipart::{Form, Part};

const PAGE_ORIGIN: &str = "http://localhost:5173";
const LIMIT_MB: u64 = 1;
const LIMIT_BYTES: usize = 1024 * 1024;
const TOO_LARGE_TEXT: &str = "Maximum request body size 1048576 exceeded.";
const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

async fn cors_sim() -> TestSim {
    spawn(Config {
        max_upload_size_mb: LIMIT_MB,
        cors_origin: Some(PAGE_ORIGIN.to_owned()),
        ..Config::for_tests()
    })
    .await
}

/// Status, Content-Type, whether any `Access-Control-*` header came, and the body.
async fn facts(response: reqwest::Response) -> (u16, String, bool, String) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cors = headers
        .keys()
        .any(|name| name.as_str().starts_with("access-control-"));
    (
        status,
        content_type,
        cors,
        response.text().await.unwrap_or_default(),
    )
}

fn too_large() -> (u16, String, bool, String) {
    (413, PLAIN_TEXT.to_owned(), false, TOO_LARGE_TEXT.to_owned())
}

#[tokio::test]
async fn a_body_over_the_upload_limit_is_aiohttps_413_without_cors_headers_on_every_route() {
    let sim = cors_sim().await;
    let oversized = vec![b'7'; LIMIT_BYTES * 3 / 2];
    let form = Form::new().part("image", Part::bytes(oversized.clone()).file_name("big.png"));
    let upload = sim
        .http
        .post(sim.url("/upload/image"))
        .header("origin", PAGE_ORIGIN)
        .multipart(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(facts(upload).await, too_large(), "multipart upload");
    let urlencoded = sim
        .http
        .post(sim.url("/api/upload/image"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(oversized.clone())
        .send()
        .await
        .expect("answer");
    assert_eq!(facts(urlencoded).await, too_large(), "urlencoded upload");
    let prompt = sim
        .http
        .post(sim.url("/prompt"))
        .header("content-type", "application/json")
        .body(oversized)
        .send()
        .await
        .expect("answer");
    assert_eq!(facts(prompt).await, too_large(), "prompt");
    assert_eq!(sim.get_json("/queue").await.0, 200, "the server is still up");
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_handled() {
    let sim = cors_sim().await;
    let exactly = vec![b' '; LIMIT_BYTES];
    let prompt = sim
        .http
        .post(sim.url("/prompt"))
        .body(exactly)
        .send()
        .await
        .expect("answer");
    let (status, _, cors, _) = facts(prompt).await;
    assert_eq!((status, cors), (500, false), "read whole, then json.loads raises");
    let octet_stream = sim
        .http
        .post(sim.url("/upload/image"))
        .header("content-type", "application/octet-stream")
        .body(vec![0u8; LIMIT_BYTES * 2])
        .send()
        .await
        .expect("answer");
    let (status, _, cors, body) = facts(octet_stream).await;
    assert_eq!(
        (status, cors, body.as_str()),
        (400, true, ""),
        "post() does not read a body of another type: the handler's own 400"
    );
}

#[tokio::test]
async fn an_image_field_that_is_no_file_makes_the_upload_handler_raise() {
    let sim = cors_sim().await;
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            "image=shot.png&type=input".to_owned(),
        ),
        (
            "multipart/form-data; boundary=B",
            "--B\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nshot.png\r\n--B--\r\n".to_owned(),
        ),
    ] {
        let response = sim
            .http
            .post(sim.url("/upload/image"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("answer");
        let (status, _, cors, _) = facts(response).await;
        assert_eq!((status, cors), (500, false), "{content_type}");
    }
    let empty = sim
        .http
        .post(sim.url("/upload/image"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("image=")
        .send()
        .await
        .expect("answer");
    assert_eq!(facts(empty).await.0, 400);
}

#[tokio::test]
async fn a_ws_request_without_a_handshake_is_aiohttps_400_without_cors_headers() {
    let sim = cors_sim().await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[],
            "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".",
        ),
        (&[("upgrade", "websocket")], "No CONNECTION upgrade hdr: None"),
        (
            &[("upgrade", "websocket"), ("connection", "Upgrade")],
            "Unsupported version: ",
        ),
        (
            &[
                ("upgrade", "websocket"),
                ("connection", "Upgrade"),
                ("sec-websocket-version", "13"),
                ("sec-websocket-key", "short"),
            ],
            "Handshake error: 'short'",
        ),
    ];
    for path in ["/ws", "/api/ws"] {
        for (headers, text) in cases {
            let mut request = sim.http.get(sim.url(path)).header("origin", PAGE_ORIGIN);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.expect("answer");
            assert_eq!(
                facts(response).await,
                (400, PLAIN_TEXT.to_owned(), false, text.to_owned()),
                "{path} with {headers:?}"
            );
        }
    }
    let head = sim.http.head(sim.url("/ws")).send().await.expect("answer");
    let (status, _, cors, body) = facts(head).await;
    assert_eq!(
        (status, cors, body.as_str()),
        (400, false, ""),
        "HEAD shares the GET route"
    );
}
