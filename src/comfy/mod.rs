//! The only code that talks to a ComfyUI server: REST in `http`, the socket in `socket`.

mod error;
pub mod http;
pub mod socket;

pub use error::ComfyError;
pub use http::ComfyClient;
