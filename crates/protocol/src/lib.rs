//! ComfyUI's HTTP and WebSocket protocol as plain serde types, the binary frame decoder
//! and the job state machine, with no web dependencies and no clock or IO, so all of it
//! is tested natively against the recordings in `fixtures/comfyui/traces`.
//!
//! Every type tolerates unknown fields and unknown message types: ComfyUI adds new ones
//! in almost every release.

pub mod frame;
pub mod http;
pub mod job;
mod lenient;
pub mod media;
pub mod server_report;
pub mod ws;

pub use frame::{Frame, FrameError, PreviewImageType, PreviewMetadata, decode_frame};
pub use http::{Device, History, HistoryEntry, QueueSnapshot, SystemInfo, SystemStats};
pub use job::{Effect, Job, JobEvent, JobState, apply, reconcile_job};
pub use media::{Media, MediaKind, OutputFile};
pub use ws::{MessageError, ServerMessage, StatusData};
