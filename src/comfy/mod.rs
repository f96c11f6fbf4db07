//! The only code that talks to a ComfyUI server.

pub mod http;

pub use http::{ComfyClient, ComfyError};
