//! Bodies of ComfyUI's REST routes (served both bare and under `/api/`), as read from
//! the recordings in `fixtures/comfyui/traces`.

mod control;
mod history;
mod node_output;
mod object_info;
mod prompt;
mod queue;
mod system_stats;
mod upload;

pub use control::{InterruptRequest, QueueRequest};
pub use history::{History, HistoryEntry, HistoryMessage, HistoryStatus, NodeMeta, RunVerdict, StatusStr};
pub use node_output::{FileRef, NodeOutput, NotShown, RunOutputs};
pub use object_info::{InputKind, InputSpec, NodeClass, NodeInputs, ObjectInfo};
pub use prompt::{
    ApiPrompt, MissingNode, NodeError, NodeTitle, PromptAccepted, PromptError, PromptErrorKind, PromptNode,
    PromptRejected, PromptRequest, ValidationError,
};
pub use queue::{QueueItem, QueueSnapshot};
pub use system_stats::{Device, SystemInfo, SystemStats};
pub use upload::UploadedImage;
