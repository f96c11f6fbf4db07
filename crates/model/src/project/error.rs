//! Why an action was refused. Each message is the sentence the user sees; the project is
//! unchanged whenever one of these is returned.

use super::ids::{JobId, ProfileId, SceneId, ServerId, ShotId};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("This scene no longer exists (it may have been deleted); refresh the timeline and try again.")]
    SceneNotFound(SceneId),
    #[error("This shot no longer exists (it may have been deleted); refresh the timeline and try again.")]
    ShotNotFound(ShotId),
    #[error("The shot cannot be moved there: the target scene no longer exists.")]
    TargetSceneNotFound(SceneId),
    #[error("This workflow profile no longer exists; pick another one.")]
    ProfileNotFound(ProfileId),
    #[error("This server is no longer configured; refresh the server list.")]
    ServerNotFound(ServerId),
    #[error("This take does not belong to the shot; pick one of the shot's own takes.")]
    TakeNotFound { shot: ShotId, take: JobId },
    #[error("This take is already recorded for the shot.")]
    TakeAlreadyAdded { shot: ShotId, take: JobId },
    #[error("A project needs at least one scene, so the last scene cannot be deleted; add another first.")]
    LastScene,
    #[error("The id {id} is already used by another {kind} in this project.")]
    DuplicateId { kind: &'static str, id: String },
    #[error("Position {index} is outside the list, which has {len} places.")]
    PositionOutOfRange { index: usize, len: usize },
    #[error("A shot lasts a positive number of seconds; {0} is not one.")]
    InvalidDuration(f64),
    #[error("This shot has no prompt; describe what the camera sees before generating.")]
    EmptyPrompt(ShotId),
    #[error(
        "The workflow profile \"{name}\" is still used by {used_by}; choose another profile there first."
    )]
    ProfileInUse { name: String, used_by: String },
    #[error("Duplicating this scene needs {expected} new shot ids but {given} were given.")]
    ShotIdCountMismatch { expected: usize, given: usize },
}
