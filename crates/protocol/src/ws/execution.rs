//! Messages that start, report on and end one prompt's execution.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::http::NodeOutput;
use crate::lenient::{id_list, map_or_list, null_as_default};

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
    /// `null` when a cached node had no UI output (execution.py 0.3.64 ~404-406).
    #[serde(default, deserialize_with = "null_as_default")]
    pub output: NodeOutput,
}

/// `execution_success` (newer servers; 0.3.64 sends it): every node ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionSuccess {
    pub prompt_id: String,
    #[serde(default)]
    pub timestamp: Option<u64>,
}

/// `execution_error`: a node raised, or the graph could not go on. `current_inputs` maps
/// input names to printed values, which can be big tensor dumps (trace b), except for a
/// dependency cycle or an "Execution Blocked" node, which send `[]` (read as no inputs).
/// `current_outputs` lists the node ids that had produced outputs (trace b).
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
    #[serde(default, deserialize_with = "map_or_list")]
    pub current_inputs: BTreeMap<String, serde_json::Value>,
    #[serde(default, deserialize_with = "id_list")]
    pub current_outputs: Vec<String>,
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
