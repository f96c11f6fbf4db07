//! Shotline's domain model, pure Rust: the project/timeline types and their reducers,
//! workflow import, node mapping, preflight and prompt building, the server pool and the
//! render queue that schedules on it.

pub mod js_safe;
pub mod ordered;
pub mod pool;
pub mod project;
pub mod render_queue;
pub mod server_url;
pub mod workflow;
