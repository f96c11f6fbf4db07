//! The project document (scenes of shots, profiles, servers), every user action on it as
//! a pure reducer, undo/redo, and the `.shotline.json` export/import format.

mod action;
mod apply;
mod change;
mod enhancers;
mod error;
mod file;
mod history;
mod ids;
mod patch;
mod queries;
mod scene_ops;
mod settings_ops;
mod shot;
mod shot_ops;
mod types;

pub use action::Action;
pub use apply::apply;
pub use change::Change;
pub use enhancers::{Enhancer, Enhancers};
pub use error::ModelError;
pub use file::{
    FILE_EXTENSION, FILE_FORMAT, MAX_IMPORT_BYTES, MEDIA_MIME_TYPES, MediaEntry, ProjectFile,
    ProjectFileError, SCHEMA_VERSION, check_import_size, export_project, import_project, is_media_mime,
    referenced_media,
};
pub use history::{History, UNDO_LIMIT};
pub(crate) use ids::string_id;
pub use ids::{JobId, MediaId, ProfileId, ProjectId, SceneId, ServerId, ShotId};
pub use queries::{ShotPosition, ShotSlot, ShotSlots};
pub use shot::{DEFAULT_SHOT_DURATION_S, Seed, Shot, validate_for_generate};
pub use types::{Project, Scene, ServerConfig, StageProfiles, Transition, WorkflowProfile};

#[cfg(test)]
mod tests;
