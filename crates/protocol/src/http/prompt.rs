//! `POST /prompt`: the request, its 200 answer and its 400 validation errors.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An API-format workflow: `{node_id: {class_type, inputs, _meta?}}`.
pub type ApiPrompt = BTreeMap<String, PromptNode>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptNode {
    pub class_type: String,
    /// Literals, or links `[source_node_id, output_index]`.
    #[serde(default)]
    pub inputs: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<NodeTitle>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeTitle {
    #[serde(default)]
    pub title: Option<String>,
}

impl PromptNode {
    /// What a person calls the node: the title given in the editor, else its class.
    pub fn title(&self) -> &str {
        self.meta
            .as_ref()
            .and_then(|meta| meta.title.as_deref())
            .unwrap_or(&self.class_type)
    }
}

/// The body of `POST /api/prompt`. `prompt_id` is made by the client so that events
/// arriving before the response can be routed (trace c: a whole run beat the 200).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptRequest {
    pub prompt: ApiPrompt,
    pub client_id: String,
    pub prompt_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_data: Option<serde_json::Value>,
    /// `true` puts the prompt at the head of the queue with a negative number (trace d).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub front: bool,
}

/// 200: queued. `number` is a float when a client supplied one (trace c: 1234.5) and
/// negative for `front: true`. `node_errors` can be non-empty: some outputs failed
/// validation while the others run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptAccepted {
    pub prompt_id: String,
    pub number: f64,
    #[serde(default)]
    pub node_errors: BTreeMap<String, NodeError>,
}

/// 400: rejected before queueing. (A 500 has a plain-text body, not this.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptRejected {
    pub error: PromptError,
    #[serde(default)]
    pub node_errors: BTreeMap<String, NodeError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptError {
    #[serde(rename = "type")]
    pub error_type: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub extra_info: serde_json::Value,
}

/// The validation failures of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeError {
    #[serde(default)]
    pub errors: Vec<ValidationError>,
    #[serde(default)]
    pub dependent_outputs: Vec<serde_json::Value>,
    #[serde(default)]
    pub class_type: String,
}

/// One failed check, e.g. `value_smaller_than_min` with `extra_info.input_name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    #[serde(rename = "type")]
    pub error_type: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub extra_info: serde_json::Value,
}

impl ValidationError {
    pub fn input_name(&self) -> Option<&str> {
        self.extra_info.get("input_name")?.as_str()
    }
}

/// How a server refuses a file name it has no file for: LoadImage's `VALIDATE_INPUTS`
/// answers `custom_validation_failed` ("Invalid image file: …", trace c case 3e); a loader
/// without that hook checks its combo list of files, `value_not_in_list`.
const FILE_REFUSALS: [&str; 2] = ["custom_validation_failed", "value_not_in_list"];

impl PromptRejected {
    /// The error that says node `node` has no file for the name in its input `input`, if
    /// the server said so. Read from the structure (node id, `extra_info.input_name`,
    /// error type), not from the English text.
    pub fn refused_file_input(&self, node: &str, input: &str) -> Option<&ValidationError> {
        self.node_errors.get(node)?.errors.iter().find(|error| {
            error.input_name() == Some(input) && FILE_REFUSALS.contains(&error.error_type.as_str())
        })
    }
}

/// The top-level `error.type` values seen on 0.3.64, plus the newer name for an
/// unknown class (`missing_node_type`, formerly `invalid_prompt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptErrorKind {
    NoPrompt,
    InvalidPrompt,
    MissingNodeType,
    NoOutputs,
    OutputsFailedValidation,
    Other,
}

/// A node whose class the server does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingNode {
    pub node_id: Option<String>,
    pub class_type: Option<String>,
}

impl PromptError {
    pub fn kind(&self) -> PromptErrorKind {
        match self.error_type.as_str() {
            "no_prompt" => PromptErrorKind::NoPrompt,
            "invalid_prompt" => PromptErrorKind::InvalidPrompt,
            "missing_node_type" => PromptErrorKind::MissingNodeType,
            "prompt_no_outputs" => PromptErrorKind::NoOutputs,
            "prompt_outputs_failed_validation" => PromptErrorKind::OutputsFailedValidation,
            _ => PromptErrorKind::Other,
        }
    }

    /// The node whose class is unknown. Newer servers name it in `extra_info`; 0.3.64
    /// only says so in text (trace c: message "Cannot execute because node
    /// DoesNotExistNode does not exist.", details "Node ID '#1'"), so that is parsed.
    pub fn missing_node(&self) -> Option<MissingNode> {
        let text = |key: &str| {
            self.extra_info
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        match self.kind() {
            PromptErrorKind::MissingNodeType => Some(MissingNode {
                node_id: text("node_id").or_else(|| node_id_in_details(&self.details)),
                class_type: text("class_type"),
            }),
            PromptErrorKind::InvalidPrompt => {
                // 0.3.64 also uses `invalid_prompt` for other defects: those name no class.
                let class_type = self
                    .message
                    .strip_prefix("Cannot execute because node ")
                    .and_then(|rest| rest.strip_suffix(" does not exist."))?;
                Some(MissingNode {
                    node_id: node_id_in_details(&self.details),
                    class_type: Some(class_type.to_owned()),
                })
            }
            _ => None,
        }
    }
}

fn node_id_in_details(details: &str) -> Option<String> {
    details
        .strip_prefix("Node ID '#")
        .and_then(|rest| rest.strip_suffix('\''))
        .map(str::to_owned)
}
