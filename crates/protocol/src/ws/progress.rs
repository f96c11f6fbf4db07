//! Step progress of the running node: `progress` and the newer cumulative `progress_state`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `progress`: step `value` of `max` of one node. Older servers omit `prompt_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub value: f64,
    pub max: f64,
    #[serde(default)]
    pub prompt_id: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
}

/// `progress_state`: every node seen so far in this run, with its state; it is
/// cumulative and always arrives before the matching `progress` (traces a, g).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressState {
    pub prompt_id: String,
    #[serde(default)]
    pub nodes: BTreeMap<String, NodeProgress>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeProgress {
    #[serde(default)]
    pub value: f64,
    #[serde(default)]
    pub max: f64,
    #[serde(default)]
    pub state: NodeRunState,
    #[serde(default)]
    pub display_node_id: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRunState {
    Pending,
    Running,
    Finished,
    Error,
    #[default]
    #[serde(other)]
    Unknown,
}
