//! `GET /history/{prompt_id}` and `GET /history?max_items=N`: finished prompts, with
//! their verdict and output files. The server keeps them in memory only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::QueueItem;
use super::node_output::{NodeOutput, RunOutputs};
use crate::lenient::null_as_default;
use crate::media::OutputFile;
use crate::ws::{ExecutionError, ExecutionInterrupted, ServerMessage};

/// A history body: `{}` while a prompt is queued, running or unknown (trace f: a deleted
/// prompt never appears), else `{prompt_id: entry}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct History(pub BTreeMap<String, HistoryEntry>);

impl History {
    pub fn entry(&self, prompt_id: &str) -> Option<&HistoryEntry> {
        self.0.get(prompt_id)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryEntry {
    /// The queue item it ran as, stripped of the workflow.
    pub prompt: QueueItem,
    /// Absent or `null` reads as none: the run's verdict comes from `status` either way.
    #[serde(default, deserialize_with = "null_as_default")]
    pub outputs: BTreeMap<String, NodeOutput>,
    #[serde(default)]
    pub status: Option<HistoryStatus>,
    #[serde(default)]
    pub meta: BTreeMap<String, NodeMeta>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryStatus {
    pub status_str: StatusStr,
    /// `false` for errors and interrupts: never wait for it to become `true`.
    #[serde(default)]
    pub completed: bool,
    #[serde(default)]
    pub messages: Vec<HistoryMessage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusStr {
    Success,
    Error,
    #[serde(other)]
    Other,
}

/// One stored socket message, `[type, data]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryMessage(pub String, pub serde_json::Value);

/// Which node an output belongs to in the editor (subgraphs expand into inner nodes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMeta {
    #[serde(default)]
    pub node_id: Option<String>,
    #[serde(default)]
    pub display_node: Option<String>,
    #[serde(default)]
    pub parent_node: Option<String>,
    #[serde(default)]
    pub real_node_id: Option<String>,
}

/// How a finished prompt ended, according to its history entry.
#[derive(Debug, Clone, PartialEq)]
pub enum RunVerdict {
    Success,
    /// The stored `execution_error`, when the entry kept it.
    Error(Option<ExecutionError>),
    Interrupted(Option<ExecutionInterrupted>),
}

impl HistoryEntry {
    pub fn verdict(&self) -> RunVerdict {
        let Some(status) = &self.status else {
            // Old servers wrote entries without a status, and only for runs that finished.
            return RunVerdict::Success;
        };
        let ending = status
            .messages
            .iter()
            .rev()
            .find_map(|HistoryMessage(kind, data)| {
                match ServerMessage::from_parts(kind.clone(), data.clone()).ok()? {
                    ServerMessage::ExecutionError(error) => Some(RunVerdict::Error(Some(error))),
                    ServerMessage::ExecutionInterrupted(stop) => Some(RunVerdict::Interrupted(Some(stop))),
                    ServerMessage::ExecutionSuccess(_) => Some(RunVerdict::Success),
                    _ => None,
                }
            });
        match (ending, status.status_str) {
            (Some(verdict), _) => verdict,
            (None, StatusStr::Success) => RunVerdict::Success,
            (None, StatusStr::Error) => RunVerdict::Error(None),
            (None, StatusStr::Other) if status.completed => RunVerdict::Success,
            (None, StatusStr::Other) => RunVerdict::Error(None),
        }
    }

    /// The prompt's outputs by node id: media files to show, and the rest counted.
    pub fn run_outputs(&self) -> RunOutputs {
        let mut run = RunOutputs::default();
        for (node_id, output) in &self.outputs {
            output.sort_into(node_id, &mut run);
        }
        run
    }

    /// The media files of the prompt, by node id.
    pub fn output_files(&self) -> Vec<OutputFile> {
        self.run_outputs().files
    }
}
