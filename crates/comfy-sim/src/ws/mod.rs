//! The `/ws` socket: who is connected, and what each connection is sent.

mod handshake;
mod hub;
mod socket;

pub use hub::{Hub, PreviewFrames};
pub use socket::upgrade;
