//! Messages that start, report on and end one prompt's execution.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::http::NodeOutput;

/// `execution_start`: the prompt left the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionStart {
    pub prompt_id: String,
    #[serde(default)]
    pub timestamp: Option<u64>,
}

/// `execution_cached`: always sent, with `nodes: []` when nothing was reused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionCached {
    pub prompt_id: String,
    #[serde(default)]
    pub nodes: Vec<String>,
}

/// `executing`: `node` started; `node: null` means the prompt finished. After a reconnect
/// the server replays `{"node": "2"}` with neither `prompt_id` nor `display_node` (trace i).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Executing {
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
}

/// `executed`: an output node produced UI output (file references, text, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Executed {
    pub prompt_id: String,
    pub node: String,
    #[serde(default)]
    pub display_node: Option<String>,
    #[serde(default)]
    pub output: NodeOutput,
}

/// `execution_success` (newer servers; 0.3.64 sends it): every node ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionSuccess {
    pub prompt_id: String,
    #[serde(default)]
    pub timestamp: Option<u64>,
}

/// `execution_error`: a node raised. `current_inputs` can hold big tensor dumps (trace b),
/// kept as raw JSON because nothing reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionError {
    pub prompt_id: String,
    pub node_id: String,
    pub node_type: String,
    #[serde(default)]
    pub executed: Vec<String>,
    #[serde(default)]
    pub exception_message: String,
    #[serde(default)]
    pub exception_type: String,
    #[serde(default)]
    pub traceback: Vec<String>,
    #[serde(default)]
    pub current_inputs: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub current_outputs: serde_json::Value,
}

/// `execution_interrupted`: `/interrupt` stopped the prompt at `node_id` (trace e).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionInterrupted {
    pub prompt_id: String,
    #[serde(default)]
    pub node_id: Option<String>,
    #[serde(default)]
    pub node_type: Option<String>,
    #[serde(default)]
    pub executed: Vec<String>,
}
