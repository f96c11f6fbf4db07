//! Every edit a user can make to a project. New things carry ids made by the caller, so
//! applying an action is deterministic and the same action always has the same effect.

use super::enhancers::Enhancer;
use super::error::ModelError;
use super::ids::{JobId, MediaId, ProfileId, SceneId, ServerId, ShotId};
use super::shot::Seed;
use super::types::{Project, ServerConfig, Transition, WorkflowProfile};

/// Positions (`at`, `to`) are indexes in the list as it is after the action: `0` is
/// first, the list's length appends.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    RenameProject {
        name: String,
    },
    SetStoryNotes {
        notes: String,
    },
    SetStyleEnhancer {
        enhancer: Enhancer,
        value: Option<String>,
    },

    AddScene {
        id: SceneId,
        at: usize,
        title: String,
    },
    /// The copy lands right after the original; `new_shots` pairs with its shots in order.
    DuplicateScene {
        scene: SceneId,
        new_id: SceneId,
        new_shots: Vec<ShotId>,
    },
    DeleteScene {
        scene: SceneId,
    },
    MoveScene {
        scene: SceneId,
        to: usize,
    },
    RenameScene {
        scene: SceneId,
        title: String,
    },
    SetSceneSummary {
        scene: SceneId,
        summary: String,
    },
    SetTransition {
        scene: SceneId,
        transition: Transition,
    },

    AddShot {
        scene: SceneId,
        id: ShotId,
        at: usize,
    },
    /// The copy lands right after the original, without its takes.
    DuplicateShot {
        shot: ShotId,
        new_id: ShotId,
    },
    DeleteShot {
        shot: ShotId,
    },
    /// Within its scene or into another one.
    MoveShot {
        shot: ShotId,
        to_scene: SceneId,
        at: usize,
    },
    SetPrompt {
        shot: ShotId,
        prompt: String,
    },
    SetNegative {
        shot: ShotId,
        negative: String,
    },
    SetShotEnhancer {
        shot: ShotId,
        enhancer: Enhancer,
        value: Option<String>,
    },
    SetDuration {
        shot: ShotId,
        duration_s: f64,
    },
    SetSeed {
        shot: ShotId,
        seed: Seed,
    },
    SetKeyframe {
        shot: ShotId,
        keyframe: Option<MediaId>,
    },
    SetShotProfile {
        shot: ShotId,
        profile: Option<ProfileId>,
    },
    AddTake {
        shot: ShotId,
        take: JobId,
    },
    ChooseTake {
        shot: ShotId,
        take: Option<JobId>,
    },

    /// Adds the profile, or replaces the one with the same id.
    PutProfile {
        profile: WorkflowProfile,
    },
    RemoveProfile {
        profile: ProfileId,
    },
    SetStageProfiles {
        keyframe: Option<ProfileId>,
        shot: Option<ProfileId>,
    },

    AddServer {
        server: ServerConfig,
    },
    RemoveServer {
        server: ServerId,
    },
    SetServerEnabled {
        server: ServerId,
        enabled: bool,
    },

    /// Applied all or nothing, and undone in one step (e.g. accepting a drafted storyboard).
    Batch(Vec<Action>),
}

impl Action {
    /// Builds a [`Action::DuplicateScene`] with as many fresh shot ids as the scene has shots.
    pub fn duplicate_scene(
        project: &Project,
        scene: &SceneId,
        fresh_id: &mut impl FnMut() -> String,
    ) -> Result<Action, ModelError> {
        let original = project
            .scene(scene)
            .ok_or_else(|| ModelError::SceneNotFound(scene.clone()))?;
        Ok(Action::DuplicateScene {
            scene: scene.clone(),
            new_id: SceneId::new(fresh_id()),
            new_shots: original.shots.iter().map(|_| ShotId::new(fresh_id())).collect(),
        })
    }
}
