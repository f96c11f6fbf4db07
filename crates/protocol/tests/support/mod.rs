//! Shared by the test crates: reading the recorded traces, and replaying them.
// Each test crate uses only some of these helpers.
#![allow(dead_code)]

pub mod jobs;
pub mod replay;

use std::path::PathBuf;

use serde_json::Value;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/comfyui")
}

pub fn read_json(relative: &str) -> Value {
    let path = fixtures_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn trace(name: &str) -> Value {
    read_json(&format!("traces/{name}"))
}

/// Every recorded trace file name, sorted.
pub fn trace_names() -> Vec<String> {
    let dir = fixtures_dir().join("traces");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

pub fn events(trace: &Value) -> &[Value] {
    trace["events"].as_array().expect("a trace has events")
}

/// Recorded HTTP answers (responses and compacted polls) to `method` on paths starting
/// with `path_prefix`, with their status.
pub fn responses<'a>(trace: &'a Value, method: &str, path_prefix: &str) -> Vec<&'a Value> {
    events(trace)
        .iter()
        .filter(|e| e["kind"] == "http_response" || e["kind"] == "http_poll")
        .filter(|e| e["method"] == method && e["path"].as_str().unwrap().starts_with(path_prefix))
        .collect()
}

/// Text WebSocket messages of a trace, as their JSON text.
pub fn ws_texts(trace: &Value) -> Vec<String> {
    events(trace)
        .iter()
        .filter(|e| e["kind"] == "ws_message" && e["msg"]["binary"] != true)
        .map(|e| e["msg"].to_string())
        .collect()
}

/// Standard base64 (the recorder's `head_b64`), without pulling a crate in for tests.
pub fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut bit_count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET
            .iter()
            .position(|a| *a == byte)
            .expect("base64 character") as u32;
        bits = (bits << 6) | value;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            out.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    out
}

/// The output file names of a Done job, in order; panics for any other state.
/// A Failed state's node, class, message and kind; panics on any other state.
pub fn failure(
    state: &shotline_protocol::JobState,
) -> (
    Option<&str>,
    Option<&str>,
    &str,
    shotline_protocol::job::FailureKind,
) {
    match state {
        shotline_protocol::JobState::Failed {
            node,
            class,
            message,
            kind,
        } => (node.as_deref(), class.as_deref(), message.as_str(), *kind),
        other => panic!("expected Failed, got {other:?}"),
    }
}

pub fn done_filenames(state: &shotline_protocol::JobState) -> Vec<&str> {
    match state {
        shotline_protocol::JobState::Done { outputs, .. } => {
            outputs.iter().map(|f| f.filename.as_str()).collect()
        }
        other => panic!("expected Done, got {other:?}"),
    }
}

/// Every recorded trace with its name.
pub fn all_traces() -> Vec<(String, Value)> {
    trace_names()
        .into_iter()
        .map(|name| (name.clone(), trace(&name)))
        .collect()
}
