//! Messages about the server rather than one prompt: `status` and `feature_flags`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `status`: broadcast whenever the queue length changes; the first one after connect
/// also carries the socket's `sid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusData {
    pub status: QueueStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// Also the whole body of `GET /prompt` (m_misc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueStatus {
    pub exec_info: ExecInfo,
}

/// `queue_remaining` counts running + pending prompts of every client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecInfo {
    pub queue_remaining: u64,
}

/// The server's `feature_flags` reply, which is also the body of `GET /features`
/// (trace j: `{"supports_preview_metadata": true, "max_upload_size": 104857600}`).
/// A server without `/features` (404) supports none of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureFlags {
    #[serde(default)]
    pub supports_preview_metadata: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_upload_size: Option<u64>,
    /// Flags newer servers and extensions add (e.g. `extension.manager`): kept so the
    /// Servers panel can list them, never interpreted.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}
