//! Replaying one recorded request or WebSocket handshake against the simulator, and the
//! facts about an answer that conformance compares: status, `Access-Control-*` header names,
//! Content-Type media type and, for errors, the shape of the body.

use std::collections::BTreeSet;
use std::path::PathBuf;

use reqwest::Method;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::TestSim;

/// The recorder slowed its prompts down to watch them; headers do not depend on that.
const REPLAY_STEP_DELAY_S: f64 = 0.0;
/// Placeholder bytes for a recorded output the simulator named differently (Range 0-99 needs 100).
const PLACEHOLDER_FILE_BYTES: usize = 256;
const RECORDED_PORT: &str = ":8188";

/// What a browser's CORS check and a client's parser see of one answer.
#[derive(Debug, PartialEq, Eq)]
pub struct HeaderFacts {
    pub status: u16,
    pub cors_headers: BTreeSet<String>,
    pub media_type: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum BodyShape {
    Empty,
    Text(String),
    JsonKeys(BTreeSet<String>),
}

fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub fn recorded_facts(event: &Value) -> HeaderFacts {
    let headers = event["headers"].as_object().cloned().unwrap_or_default();
    let lowercase = |name: &String| name.to_ascii_lowercase();
    HeaderFacts {
        status: event["status"].as_u64().unwrap_or_default() as u16,
        cors_headers: headers
            .keys()
            .map(lowercase)
            .filter(|name| name.starts_with("access-control-"))
            .collect(),
        media_type: headers
            .iter()
            .find(|(name, _)| lowercase(name) == "content-type")
            .and_then(|(_, value)| value.as_str().map(media_type)),
    }
}

pub fn our_facts(status: u16, headers: &HeaderMap) -> HeaderFacts {
    HeaderFacts {
        status,
        cors_headers: headers
            .keys()
            .map(|name| name.as_str().to_owned())
            .filter(|name| name.starts_with("access-control-"))
            .collect(),
        media_type: headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .map(media_type),
    }
}

pub fn recorded_body_shape(event: &Value) -> BodyShape {
    if let Some(json) = event.get("json") {
        return BodyShape::JsonKeys(super::trace::keys(json));
    }
    match event["text"].as_str() {
        Some("") | None => BodyShape::Empty,
        Some(text) => BodyShape::Text(text.to_owned()),
    }
}

pub fn our_body_shape(body: &[u8]) -> BodyShape {
    if body.is_empty() {
        return BodyShape::Empty;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(json @ Value::Object(_)) => BodyShape::JsonKeys(super::trace::keys(&json)),
        _ => BodyShape::Text(String::from_utf8_lossy(body).into_owned()),
    }
}

fn rewrite_port(value: &str, sim: &TestSim) -> String {
    value.replace(RECORDED_PORT, &format!(":{}", sim.addr.port()))
}

fn without_step_delays(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(nodes) = body.get_mut("prompt").and_then(Value::as_object_mut) {
        for node in nodes.values_mut() {
            if node["inputs"]["delay"].is_number() {
                node["inputs"]["delay"] = Value::from(REPLAY_STEP_DELAY_S);
            }
        }
    }
    body
}

/// Recorded outputs have the real server's counters in their names; the simulator's differ,
/// so a `/view` the recording answered with the file gets a placeholder under that name.
pub fn ensure_viewed_file_exists(sim: &TestSim, path: &str) {
    let Ok(url) = reqwest::Url::parse(&format!("http://recorded{path}")) else {
        return;
    };
    let query = |key: &str| {
        url.query_pairs()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.into_owned())
    };
    let Some(filename) = query("filename") else {
        return;
    };
    let base: PathBuf = match query("type").as_deref().unwrap_or("output") {
        "input" => return,
        "temp" => sim.temp_dir.clone(),
        _ => sim.output_dir.clone(),
    };
    let folder = base.join(query("subfolder").unwrap_or_default());
    let file = folder.join(filename);
    if !file.exists() {
        std::fs::create_dir_all(&folder).expect("output folder");
        std::fs::write(&file, vec![0x42; PLACEHOLDER_FILE_BYTES]).expect("placeholder");
    }
}

/// Same length, same bytes: the upload trace tells "identical bytes" cases by length.
fn upload_form(request: &Value) -> Form {
    let mut form = Form::new();
    for (name, value) in request["form"].as_object().into_iter().flatten() {
        form = form.text(name.clone(), value.as_str().unwrap_or_default().to_owned());
    }
    for (name, file) in request["files"].as_object().into_iter().flatten() {
        let length = file["len"].as_u64().unwrap_or_default() as usize;
        let part = Part::bytes(vec![length as u8; length])
            .file_name(file["filename"].as_str().unwrap_or_default().to_owned())
            .mime_str(
                file["content_type"]
                    .as_str()
                    .unwrap_or("application/octet-stream"),
            )
            .expect("mime");
        form = form.part(name.clone(), part);
    }
    form
}

pub async fn replay_http(sim: &TestSim, request: &Value) -> (HeaderFacts, Vec<u8>) {
    let path = request["path"].as_str().expect("path");
    let method = Method::from_bytes(request["method"].as_str().unwrap_or("GET").as_bytes()).expect("method");
    let mut builder = sim.http.request(method, sim.url(path));
    for (name, value) in request["headers"].as_object().into_iter().flatten() {
        builder = builder.header(
            name.as_str(),
            rewrite_port(value.as_str().unwrap_or_default(), sim),
        );
    }
    if let Some(json) = request.get("json") {
        builder = builder.json(&without_step_delays(json));
    } else if let Some(raw) = request["raw_body"].as_str() {
        builder = builder.body(raw.to_owned());
    } else if request.get("files").is_some() {
        builder = builder.multipart(upload_form(request));
    } else if let Some(fields) = request["form"].as_object() {
        // The recorder's HTTP client sends a form without files urlencoded.
        builder = builder.form(fields);
    }
    let response = builder.send().await.expect("answer");
    let facts = our_facts(response.status().as_u16(), response.headers());
    (facts, response.bytes().await.expect("body").to_vec())
}

pub async fn replay_handshake(sim: &TestSim, connect: &Value) -> HeaderFacts {
    let url = connect["url"].as_str().expect("url");
    let mut request = format!("ws://{}{url}", sim.addr)
        .into_client_request()
        .expect("valid url");
    if let Some(origin) = connect["origin"].as_str() {
        let origin = rewrite_port(origin, sim).parse().expect("header value");
        request.headers_mut().insert("origin", origin);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((_socket, response)) => our_facts(response.status().as_u16(), response.headers()),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            our_facts(response.status().as_u16(), response.headers())
        }
        Err(other) => panic!("handshake for {url} failed: {other}"),
    }
}
