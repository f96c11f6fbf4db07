//! Node classes the simulator can run, their `/object_info` specs, and the values they pass.

mod basic;
mod fake_models;
mod outputs;
mod registry;
mod render;
mod texts;

use std::sync::Arc;

use image::RgbImage;
use serde_json::{Map, Value};

pub use registry::{NodeRegistry, RegistryError};

use crate::execution::NodeContext;

/// A value flowing along a link between two nodes.
#[derive(Debug, Clone)]
pub enum NodeValue {
    Images(Arc<Vec<RgbImage>>),
    Latent(Latent),
    Video {
        frames: Arc<Vec<RgbImage>>,
        fps: f64,
    },
    /// MODEL, CLIP, VAE, CLIP_VISION: only the checkpoint name matters to the simulation.
    Model(String),
    Conditioning(u64),
}

/// A simulated latent: a size, and a seed-like key the decoder turns into pixels.
#[derive(Debug, Clone)]
pub struct Latent {
    pub width: u32,
    pub height: u32,
    pub batch: u32,
    pub key: u64,
    /// The init image of an image-to-video latent, animated by the decoder.
    pub init_image: Option<Arc<RgbImage>>,
}

/// What a node returned: values for its outputs, and the UI dict of an output node.
#[derive(Debug, Clone, Default)]
pub struct NodeOutput {
    pub values: Vec<NodeValue>,
    pub ui: Option<Value>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum NodeError {
    #[error("interrupted")]
    Interrupted,
    #[error("{exception_type}: {message}")]
    Failed { exception_type: String, message: String },
}

impl NodeError {
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::Failed {
            exception_type: "RuntimeError".to_owned(),
            message: message.into(),
        }
    }

    pub fn value(message: impl Into<String>) -> Self {
        Self::Failed {
            exception_type: "ValueError".to_owned(),
            message: message.into(),
        }
    }
}

/// Runs one node; `class_type` has passed validation against the registry.
pub async fn run(class_type: &str, context: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    match class_type {
        "EmptyImage" | "LoadImage" | "ImageScale" | "SlowCounter" | "SlowPreview" | "FailAlways" => {
            basic::run(class_type, context).await
        }
        "SaveImage" | "PreviewImage" | "SaveAnimatedWEBP" | "SaveAnimatedPNG" | "CreateVideo"
        | "SaveVideo" | "SaveImageWebsocket" => outputs::run(class_type, context).await,
        _ => fake_models::run(class_type, context).await,
    }
}

/// Typed access to a node's inputs: literals from the prompt and values from linked nodes.
pub struct Inputs {
    pub literals: Map<String, Value>,
    pub linked: std::collections::HashMap<String, NodeValue>,
}

impl Inputs {
    pub fn int(&self, name: &str, default: i64) -> i64 {
        self.literals
            .get(name)
            .and_then(value_as_f64)
            .map_or(default, |value| value as i64)
    }

    pub fn float(&self, name: &str, default: f64) -> f64 {
        self.literals.get(name).and_then(value_as_f64).unwrap_or(default)
    }

    pub fn text(&self, name: &str, default: &str) -> String {
        match self.literals.get(name) {
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => default.to_owned(),
        }
    }

    pub fn images(&self, name: &str) -> Result<Arc<Vec<RgbImage>>, NodeError> {
        match self.linked.get(name) {
            Some(NodeValue::Images(images)) => Ok(Arc::clone(images)),
            Some(NodeValue::Video { frames, .. }) => Ok(Arc::clone(frames)),
            _ => Err(NodeError::value(format!("input '{name}' is not an IMAGE"))),
        }
    }

    pub fn latent(&self, name: &str) -> Result<Latent, NodeError> {
        match self.linked.get(name) {
            Some(NodeValue::Latent(latent)) => Ok(latent.clone()),
            _ => Err(NodeError::value(format!("input '{name}' is not a LATENT"))),
        }
    }

    pub fn conditioning(&self, name: &str) -> u64 {
        match self.linked.get(name) {
            Some(NodeValue::Conditioning(key)) => *key,
            _ => 0,
        }
    }

    pub fn model(&self, name: &str) -> String {
        match self.linked.get(name) {
            Some(NodeValue::Model(model)) => model.clone(),
            _ => String::new(),
        }
    }
}

/// ComfyUI converts numbers with Python's `int()`/`float()`, which also accept numeric strings.
pub fn value_as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        Value::Bool(flag) => Some(f64::from(u8::from(*flag))),
        _ => None,
    }
}
