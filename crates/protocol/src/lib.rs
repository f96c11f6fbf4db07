//! ComfyUI's HTTP and WebSocket protocol as plain serde types, with no web dependencies,
//! so it is tested natively against the recordings in `fixtures/comfyui/traces`.
//!
//! Every type tolerates unknown fields and unknown message types: ComfyUI adds new ones
//! in almost every release.

pub mod system_stats;
pub mod ws;

pub use system_stats::{Device, SystemInfo, SystemStats};
pub use ws::{ServerMessage, StatusData};
