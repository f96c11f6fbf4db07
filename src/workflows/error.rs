//! What can go wrong with workflows in the app, one sentence per case. Import and
//! preflight sentences come from the model; these add what only the app knows (which
//! server was asked, what the browser could not read).

use shotline_model::project::{ProfileId, ShotId};
use shotline_model::workflow::{ImportError, PatchError};

use crate::comfy::ComfyError;
use crate::generation::KeyframeError;
use crate::project::ProjectError;
use crate::storage::StorageError;

/// Importing, editing or checking a workflow profile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkflowError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(
        "{} (Shotline asked {server} for its node list, but: {reason})",
        ImportError::UiFormatNeedsServer
    )]
    UiFormatServerUnavailable { server: String, reason: ComfyError },
    #[error("There is no bundled workflow called \"{0}\".")]
    UnknownBundled(String),
    #[error("This project has no workflow profile {0}; it may have been removed.")]
    ProfileNotFound(ProfileId),
    #[error("The workflow profile \"{name}\" is damaged ({reason}): import the workflow again.")]
    DamagedProfile { name: String, reason: String },
    #[error("The browser could not read the file: {0}")]
    FileUnreadable(String),
    #[error(transparent)]
    Server(#[from] ComfyError),
    #[error(transparent)]
    Project(#[from] ProjectError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("This browser is not keeping data, so there is no record of that run.")]
    NoStorage,
    #[error("There is no record of the run {0} in this browser.")]
    RunNotFound(String),
}

/// Turning a shot into the prompt ComfyUI runs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    #[error("The shot was deleted before it could be generated.")]
    ShotNotFound(ShotId),
    #[error(
        "No workflow is chosen for shots: import one in the Workflow panel and mark it \"Use for shots\"."
    )]
    NoShotProfile,
    #[error(
        "No workflow is chosen for keyframes: import a text-to-image workflow and mark it \"Use for \
         keyframes\"."
    )]
    NoKeyframeProfile,
    #[error(transparent)]
    Profile(#[from] WorkflowError),
    #[error("{0} Fix the mapping in the Workflow panel.")]
    Patch(#[from] PatchError),
    #[error(
        "This workflow starts from a keyframe and the shot has none: add an image to the shot or \
         generate its keyframe first."
    )]
    KeyframeMissing,
    #[error(transparent)]
    Keyframe(#[from] KeyframeError),
}
