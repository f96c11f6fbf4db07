//! `use_servers()`: which ComfyUI the app talks to and whether it answers; on demand, a
//! server's full report (Test connection) and a search for local servers.

mod check;
mod connection;
mod discovery;

pub use check::{CheckState, ServerCheck};
pub use connection::{Connection, ConnectionState, ServerInfo, provide_servers, use_servers};
pub use discovery::{Candidate, Discovery};
