//! `GET /history/{prompt_id}` and `GET /history?max_items=N`: finished prompts, with
//! their verdict and output files. The server keeps them in memory only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::QueueItem;
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
    #[serde(default)]
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

/// The UI output of one node. Animated WEBP/PNG and core SaveVideo report under `images`
/// with `animated: [true]` (trace h); VideoHelperSuite uses `gifs` with a `format`.
/// Other keys (text, audio, ...) are not files this app shows and are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeOutput {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<FileRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gifs: Vec<FileRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub animated: Vec<bool>,
}

/// A file the server can serve from `/view?filename=&subfolder=&type=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    pub filename: String,
    #[serde(default)]
    pub subfolder: String,
    /// `output`, `temp` (PreviewImage: may vanish) or `input`.
    #[serde(rename = "type", default)]
    pub folder_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// How a finished prompt ended, according to its history entry.
#[derive(Debug, Clone, PartialEq)]
pub enum RunVerdict {
    Success,
    /// The stored `execution_error`, when the entry kept it.
    Error(Option<ExecutionError>),
    Interrupted(Option<ExecutionInterrupted>),
}

impl NodeOutput {
    /// The files of this node, in the order the server listed them.
    pub fn files(&self, node_id: &str) -> Vec<OutputFile> {
        // `animated` is one flag per node in practice (`[true]`), for all its images.
        let animated = self.animated.iter().any(|flag| *flag);
        let images = self.images.iter().map(|file| (file, animated));
        let gifs = self.gifs.iter().map(|file| (file, false));
        images
            .chain(gifs)
            .map(|(file, animated)| OutputFile::new(node_id, file, animated))
            .collect()
    }
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

    /// Every output file of the prompt, by node id.
    pub fn output_files(&self) -> Vec<OutputFile> {
        self.outputs
            .iter()
            .flat_map(|(node_id, output)| output.files(node_id))
            .collect()
    }
}
