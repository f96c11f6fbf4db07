//! Text messages on ComfyUI's `/ws` socket: `{"type": ..., "data": ...}`.

mod execution;
mod progress;
mod status;

pub use execution::{
    Executed, Executing, ExecutionCached, ExecutionError, ExecutionInterrupted, ExecutionStart,
    ExecutionSuccess,
};
pub use progress::{NodeProgress, NodeRunState, Progress, ProgressState};
pub use status::{ExecInfo, FeatureFlags, QueueStatus, StatusData};

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Larger text frames are refused unread: the biggest recorded message (an
/// `execution_error` with tensor dumps in `current_inputs`, trace b) is about 3 KB.
pub const MAX_TEXT_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// What the client sends first after connecting so that previews arrive as type-4 frames
/// carrying their prompt id (trace j: honoured only as the first message).
pub const FEATURE_FLAGS_HELLO: &str = r#"{"type":"feature_flags","data":{"supports_preview_metadata":true}}"#;

/// A text message from the server. Types this crate does not know yet become
/// [`ServerMessage::Unknown`] instead of an error: new ones appear every release.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    Status(StatusData),
    FeatureFlags(FeatureFlags),
    ExecutionStart(ExecutionStart),
    ExecutionCached(ExecutionCached),
    Executing(Executing),
    Progress(Progress),
    ProgressState(ProgressState),
    Executed(Executed),
    ExecutionSuccess(ExecutionSuccess),
    ExecutionError(ExecutionError),
    ExecutionInterrupted(ExecutionInterrupted),
    Unknown { message_type: String },
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
    #[error("the message is {len} bytes, more than the {MAX_TEXT_MESSAGE_BYTES} accepted")]
    TooLarge { len: usize },
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
        if text.len() > MAX_TEXT_MESSAGE_BYTES {
            return Err(MessageError::TooLarge { len: text.len() });
        }
        let envelope: Envelope = serde_json::from_str(text).map_err(MessageError::NotAnEnvelope)?;
        Self::from_parts(envelope.message_type, envelope.data)
    }

    /// Reads a message already split into its type and data, as `/history` stores them
    /// (`status.messages: [[type, data], ...]`).
    pub fn from_parts(message_type: String, data: serde_json::Value) -> Result<Self, MessageError> {
        fn typed<T: DeserializeOwned>(
            message_type: &str,
            data: serde_json::Value,
            wrap: fn(T) -> ServerMessage,
        ) -> Result<ServerMessage, MessageError> {
            serde_json::from_value(data)
                .map(wrap)
                .map_err(|source| MessageError::BadData {
                    message_type: message_type.to_owned(),
                    source,
                })
        }
        let name = message_type.as_str();
        match name {
            "status" => typed(name, data, Self::Status),
            "feature_flags" => typed(name, data, Self::FeatureFlags),
            "execution_start" => typed(name, data, Self::ExecutionStart),
            "execution_cached" => typed(name, data, Self::ExecutionCached),
            "executing" => typed(name, data, Self::Executing),
            "progress" => typed(name, data, Self::Progress),
            "progress_state" => typed(name, data, Self::ProgressState),
            "executed" => typed(name, data, Self::Executed),
            "execution_success" => typed(name, data, Self::ExecutionSuccess),
            "execution_error" => typed(name, data, Self::ExecutionError),
            "execution_interrupted" => typed(name, data, Self::ExecutionInterrupted),
            _ => Ok(Self::Unknown { message_type }),
        }
    }

    /// The prompt this message is about. `None` for broadcasts (`status`, `feature_flags`)
    /// and for the `executing` a server replays after a reconnect, which carries no
    /// prompt id (trace i): see [`crate::job::attribute_message`].
    pub fn prompt_id(&self) -> Option<&str> {
        match self {
            Self::ExecutionStart(m) => Some(&m.prompt_id),
            Self::ExecutionCached(m) => Some(&m.prompt_id),
            Self::Executing(m) => m.prompt_id.as_deref(),
            Self::Progress(m) => m.prompt_id.as_deref(),
            Self::ProgressState(m) => Some(&m.prompt_id),
            Self::Executed(m) => Some(&m.prompt_id),
            Self::ExecutionSuccess(m) => Some(&m.prompt_id),
            Self::ExecutionError(m) => Some(&m.prompt_id),
            Self::ExecutionInterrupted(m) => Some(&m.prompt_id),
            Self::Status(_) | Self::FeatureFlags(_) | Self::Unknown { .. } => None,
        }
    }

    /// Whether the message belongs to one prompt (as opposed to a broadcast), so that
    /// one arriving without a prompt id must be attributed to the running prompt.
    pub fn is_about_a_prompt(&self) -> bool {
        !matches!(
            self,
            Self::Status(_) | Self::FeatureFlags(_) | Self::Unknown { .. }
        )
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
