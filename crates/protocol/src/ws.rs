//! Text messages on ComfyUI's `/ws` socket: `{"type": ..., "data": ...}`.

use serde::{Deserialize, Serialize};

/// A text message from the server. Types this crate does not know yet become
/// [`ServerMessage::Unknown`] instead of an error: new ones appear every release.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    Status(StatusData),
    Unknown { message_type: String },
}

/// `status`: broadcast whenever the queue length changes; the first one after connect
/// also carries the socket's `sid`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusData {
    pub status: QueueStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueStatus {
    pub exec_info: ExecInfo,
}

/// `queue_remaining` counts running + pending prompts of every client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecInfo {
    pub queue_remaining: u64,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    message_type: String,
    #[serde(default)]
    data: serde_json::Value,
}

/// Why a text frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("the message is not JSON with a \"type\": {0}")]
    NotAnEnvelope(serde_json::Error),
    #[error("the \"{message_type}\" message has an unexpected shape: {source}")]
    BadData {
        message_type: String,
        source: serde_json::Error,
    },
}

impl ServerMessage {
    pub fn parse(text: &str) -> Result<Self, MessageError> {
        let envelope: Envelope = serde_json::from_str(text).map_err(MessageError::NotAnEnvelope)?;
        let bad_data = |source| MessageError::BadData {
            message_type: envelope.message_type.clone(),
            source,
        };
        Ok(match envelope.message_type.as_str() {
            "status" => {
                ServerMessage::Status(serde_json::from_value(envelope.data.clone()).map_err(bad_data)?)
            }
            _ => ServerMessage::Unknown {
                message_type: envelope.message_type,
            },
        })
    }

    /// The `status` message a server sends on connect, as text.
    pub fn status_text(queue_remaining: u64, sid: Option<&str>) -> String {
        let data = StatusData {
            status: QueueStatus {
                exec_info: ExecInfo { queue_remaining },
            },
            sid: sid.map(str::to_owned),
        };
        serde_json::json!({"type": "status", "data": data}).to_string()
    }
}
