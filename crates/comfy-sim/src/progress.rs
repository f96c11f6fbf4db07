//! Per-prompt `progress_state` bookkeeping and the binary preview frames.

use axum::extract::ws::Message;
use bytes::{BufMut, Bytes, BytesMut};
use indexmap::IndexMap;
use serde_json::{Value, json};

use crate::ws::PreviewFrames;

/// Binary event types of ComfyUI's socket (`server.py` BinaryEventTypes).
const PREVIEW_IMAGE_EVENT: u32 = 1;
const PREVIEW_IMAGE_WITH_METADATA_EVENT: u32 = 4;
const LEGACY_IMAGE_TYPE_JPEG: u32 = 1;
const LEGACY_IMAGE_TYPE_PNG: u32 = 2;

/// An encoded preview image and its MIME type (`image/jpeg` or `image/png`).
pub struct Preview {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

impl Preview {
    pub fn frames(&self, prompt_id: &str, node_id: &str) -> PreviewFrames {
        let metadata = json!({
            "node_id": node_id,
            "prompt_id": prompt_id,
            "display_node_id": node_id,
            "parent_node_id": null,
            "real_node_id": node_id,
            "image_type": self.mime,
        })
        .to_string();
        let metadata_len = u32::try_from(metadata.len()).unwrap_or(u32::MAX);
        let mut with_metadata = BytesMut::with_capacity(8 + metadata.len() + self.bytes.len());
        with_metadata.put_u32(PREVIEW_IMAGE_WITH_METADATA_EVENT);
        with_metadata.put_u32(metadata_len);
        with_metadata.put_slice(metadata.as_bytes());
        with_metadata.put_slice(&self.bytes);
        let image_type = if self.mime == "image/png" {
            LEGACY_IMAGE_TYPE_PNG
        } else {
            LEGACY_IMAGE_TYPE_JPEG
        };
        let mut legacy = BytesMut::with_capacity(8 + self.bytes.len());
        legacy.put_u32(PREVIEW_IMAGE_EVENT);
        legacy.put_u32(image_type);
        legacy.put_slice(&self.bytes);
        PreviewFrames {
            with_metadata: Message::Binary(Bytes::from(with_metadata)),
            legacy: Message::Binary(Bytes::from(legacy)),
        }
    }
}

/// The cumulative `progress_state.nodes` map of one prompt (trace g_progress).
#[derive(Debug, Default)]
pub struct ProgressTracker {
    nodes: IndexMap<String, Value>,
}

impl ProgressTracker {
    pub fn start(&mut self, prompt_id: &str, node_id: &str) {
        self.set(prompt_id, node_id, json!(0.0), json!(1.0), "running");
    }

    pub fn step(&mut self, prompt_id: &str, node_id: &str, value: u64, max: u64) {
        self.set(prompt_id, node_id, json!(value), json!(max), "running");
    }

    /// A node without steps finishes at 1.0/1.0; one with steps keeps its last counts.
    pub fn finish(&mut self, prompt_id: &str, node_id: &str) {
        let (value, max) = match self.nodes.get(node_id) {
            Some(entry) if entry["state"] == "running" && entry["value"].is_u64() => {
                (entry["max"].clone(), entry["max"].clone())
            }
            _ => (json!(1.0), json!(1.0)),
        };
        self.set(prompt_id, node_id, value, max, "finished");
    }

    fn set(&mut self, prompt_id: &str, node_id: &str, value: Value, max: Value, state: &str) {
        self.nodes.insert(
            node_id.to_owned(),
            node_state(prompt_id, node_id, value, max, state),
        );
    }

    pub fn to_json(&self, prompt_id: &str) -> Value {
        json!({"prompt_id": prompt_id, "nodes": self.nodes})
    }
}

/// The lone `progress_state` a fully cached output node gets (trace a, phase 2).
pub fn cached_output_state(prompt_id: &str, node_id: &str) -> Value {
    json!({"prompt_id": prompt_id, "nodes": {node_id: node_state(prompt_id, node_id, json!(1), json!(1), "finished")}})
}

fn node_state(prompt_id: &str, node_id: &str, value: Value, max: Value, state: &str) -> Value {
    json!({
        "value": value,
        "max": max,
        "state": state,
        "node_id": node_id,
        "prompt_id": prompt_id,
        "display_node_id": node_id,
        "parent_node_id": null,
        "real_node_id": node_id,
    })
}
