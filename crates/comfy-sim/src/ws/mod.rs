//! The `/ws` socket: who is connected, and what each connection is sent.

mod hub;
mod socket;

pub use hub::{Hub, PreviewFrames};
pub use socket::upgrade;
