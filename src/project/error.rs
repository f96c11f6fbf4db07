//! Why a project operation did not happen. The view showing one adds what to do.

use shotline_model::project::{ModelError, ProjectFileError};

use crate::storage::StorageError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectError {
    #[error("No project is open")]
    NoProjectOpen,
    #[error("This browser is not keeping data, so only the open project exists")]
    NoStorage,
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    File(#[from] ProjectFileError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}
