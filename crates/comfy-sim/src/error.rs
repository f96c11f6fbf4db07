//! Errors that stop the simulator from starting or serving.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("port {port} on {listen} is already in use: stop the process holding it or pass --port")]
    PortInUse { listen: String, port: u16 },
    #[error("cannot listen on {listen}:{port}: {source}")]
    Bind {
        listen: String,
        port: u16,
        source: std::io::Error,
    },
    #[error(transparent)]
    Registry(#[from] crate::nodes::RegistryError),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, thiserror::Error)]
#[error("the HTTP server stopped: {0}")]
pub struct ServeError(#[from] pub std::io::Error);
