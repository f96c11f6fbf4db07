//! Reading a recorded trace and comparing the simulator's messages with it: message types in
//! order and the JSON key sets of each message; ids, timestamps and file names may differ.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Frame, load_fixture};

pub struct Trace(pub Value);

/// One socket message reduced to what conformance compares: its kind and its data.
#[derive(Debug, Clone)]
pub struct Shape {
    pub kind: String,
    pub data: Value,
}

pub fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default()
}

impl Trace {
    pub fn load(name: &str) -> Self {
        Self(load_fixture(&format!("traces/{name}.json")))
    }

    pub fn events(&self) -> impl Iterator<Item = &Value> {
        self.0["events"].as_array().into_iter().flatten()
    }

    /// The recorded response paired with request `id`.
    pub fn response(&self, id: u64) -> &Value {
        self.events()
            .find(|event| event["kind"] == "http_response" && event["id"] == id)
            .expect("paired response")
    }

    /// Bodies of the recorded `POST /prompt` requests, in order, with the recorded prompt_id
    /// each got back.
    pub fn submissions(&self) -> Vec<(Value, String)> {
        self.events()
            .filter(|event| event["kind"] == "http_request" && event["path"] == "/prompt")
            .map(|request| {
                let id = request["id"].as_u64().unwrap_or_default();
                let prompt_id = self.response(id)["json"]["prompt_id"]
                    .as_str()
                    .unwrap_or_default();
                (request["json"].clone(), prompt_id.to_owned())
            })
            .collect()
    }

    /// Messages of prompt `prompt_id` on connection `conn`, from `execution_start` to its
    /// final `executing null`, with the binary preview frames in between.
    pub fn prompt_messages(&self, conn: &str, prompt_id: &str) -> Vec<Shape> {
        let shapes: Vec<Shape> = self
            .events()
            .filter(|event| event["kind"] == "ws_message" && event["conn"] == conn)
            .map(|event| recorded_shape(&event["msg"]))
            .collect();
        prompt_window(&shapes, prompt_id)
    }
}

fn recorded_shape(msg: &Value) -> Shape {
    if msg["binary"] == true {
        return Shape {
            kind: format!("binary:{}", msg["event_type"]),
            data: msg.get("metadata").cloned().unwrap_or(Value::Null),
        };
    }
    Shape {
        kind: msg["type"].as_str().unwrap_or_default().to_owned(),
        data: msg["data"].clone(),
    }
}

/// The simulator's frames in the same reduced form; type-4 frames carry their metadata.
pub fn shapes(frames: &[Frame]) -> Vec<Shape> {
    frames
        .iter()
        .map(|frame| match frame {
            Frame::Json(message) => Shape {
                kind: frame.kind(),
                data: message["data"].clone(),
            },
            Frame::Binary(bytes) => {
                let metadata = (frame.kind() == "binary:4")
                    .then(|| {
                        let length = u32::from_be_bytes(bytes[4..8].try_into().ok()?) as usize;
                        serde_json::from_slice(bytes.get(8..8 + length)?).ok()
                    })
                    .flatten()
                    .unwrap_or(Value::Null);
                Shape {
                    kind: frame.kind(),
                    data: metadata,
                }
            }
        })
        .collect()
}

/// From `execution_start` of `prompt_id` (or its first message, for a socket opened mid-run)
/// to its `executing null`: the messages that name the prompt, and binary frames (type 1
/// frames carry no prompt_id).
pub fn prompt_window(all: &[Shape], prompt_id: &str) -> Vec<Shape> {
    let names_prompt = |shape: &Shape| shape.data["prompt_id"] == prompt_id;
    let start = all
        .iter()
        .position(|shape| shape.kind == "execution_start" && names_prompt(shape))
        .or_else(|| all.iter().position(names_prompt))
        .unwrap_or(all.len());
    let mut window = Vec::new();
    for shape in &all[start..] {
        if shape.data["prompt_id"] == prompt_id || shape.kind.starts_with("binary") {
            window.push(shape.clone());
        }
        if shape.kind == "executing" && shape.data["node"].is_null() && shape.data["prompt_id"] == prompt_id {
            break;
        }
    }
    window
}

pub fn kinds(shapes: &[Shape]) -> Vec<String> {
    shapes.iter().map(|shape| shape.kind.clone()).collect()
}

/// Step messages vary in number with timing (interrupts, reconnects): every run of steps
/// becomes one `steps` marker so the rest of the sequence can be compared exactly.
pub fn collapse_steps(kinds: &[String]) -> Vec<String> {
    let mut collapsed: Vec<String> = Vec::new();
    let mut index = 0;
    while index < kinds.len() {
        let is_step =
            kinds[index] == "progress_state" && kinds.get(index + 1).is_some_and(|next| next == "progress");
        if is_step {
            if collapsed.last().is_none_or(|last| last != "steps") {
                collapsed.push("steps".to_owned());
            }
            index += 2;
        } else {
            collapsed.push(kinds[index].clone());
            index += 1;
        }
    }
    collapsed
}

/// Same kinds in the same order, and each message with the recorded key set; for
/// `progress_state` also each node entry's keys, for `executed` the output's keys.
pub fn assert_same_shapes(recorded: &[Shape], ours: &[Shape], label: &str) {
    assert_eq!(kinds(ours), kinds(recorded), "message kinds of {label}");
    for (recorded, ours) in recorded.iter().zip(ours) {
        assert_same_keys(&recorded.data, &ours.data, &format!("{label}: {}", recorded.kind));
    }
}

pub fn assert_same_keys(recorded: &Value, ours: &Value, label: &str) {
    assert_eq!(keys(ours), keys(recorded), "keys of {label}");
    if let (Some(recorded_nodes), Some(our_nodes)) =
        (recorded["nodes"].as_object(), ours["nodes"].as_object())
    {
        for (recorded_node, our_node) in recorded_nodes.values().zip(our_nodes.values()) {
            assert_eq!(keys(our_node), keys(recorded_node), "node keys of {label}");
        }
    }
    if recorded["output"].is_object() {
        assert_eq!(
            keys(&ours["output"]),
            keys(&recorded["output"]),
            "output keys of {label}"
        );
    }
}
