//! Everything that stops the command line, one sentence each, printed once in `main`.

use std::path::PathBuf;

use shotline_model::server_url::ServerUrlError;
use shotline_model::workflow::{ImportError, ObjectInfoError};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Import { path: PathBuf, source: ImportError },
    #[error("{}: not a usable node list: {source}", origin)]
    ObjectInfo { origin: String, source: ObjectInfoError },
    #[error("{} holds no <Class>.json node files", path.display())]
    EmptyObjectInfoDir { path: PathBuf },
    #[error("{}: not a mapping as `automap` prints it: {source}", path.display())]
    Mapping {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the server address is not usable: {0}")]
    ServerUrl(#[from] ServerUrlError),
    #[error("give the server's address, such as http://127.0.0.1:8188")]
    EmptyServerUrl,
    #[error("cannot fetch {url}: {source}")]
    Fetch { url: String, source: Box<ureq::Error> },
    #[error("editor-format workflows need the server's node list: add --object-info FILE or --server URL")]
    NeedsObjectInfo,
}
