//! `use_servers()`: which ComfyUI the app talks to and whether it answers.

mod connection;

pub use connection::{Connection, ConnectionState, ServerInfo, provide_servers, use_servers};
