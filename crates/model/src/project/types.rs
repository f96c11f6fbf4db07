//! The project document: scenes of shots plus the settings that shape every generation.

use serde::{Deserialize, Serialize};

use super::enhancers::Enhancers;
use super::ids::{ProfileId, ProjectId, SceneId, ServerId};
use super::shot::Shot;
use crate::server_url::ServerUrl;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub created_at_ms: i64,
    /// Set by [`super::History`] from the time the caller passes; [`super::apply`] leaves it alone.
    pub updated_at_ms: i64,
    #[serde(default)]
    pub story_notes: String,
    /// Enhancers every shot gets unless it sets its own.
    #[serde(default)]
    pub style: Enhancers,
    #[serde(default)]
    pub profiles: Vec<WorkflowProfile>,
    #[serde(default)]
    pub stages: StageProfiles,
    #[serde(default)]
    pub servers: Vec<ServerConfig>,
    /// Never empty: reducers refuse to delete the last scene.
    pub scenes: Vec<Scene>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub id: SceneId,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub shots: Vec<Shot>,
    /// How this scene joins the next one.
    #[serde(default)]
    pub transition: Transition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    #[default]
    Cut,
    Dissolve,
    FadeToBlack,
    Wipe,
}

/// A ComfyUI workflow in API format plus how shot fields map onto its node inputs.
/// The workflow module owns the meaning of `workflow` and `mapping`; the project only
/// stores them and keeps references to them valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowProfile {
    pub id: ProfileId,
    pub name: String,
    pub workflow: serde_json::Value,
    pub mapping: serde_json::Value,
}

/// Generation runs in two stages: a still keyframe first, then the shot (video) from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageProfiles {
    pub keyframe: Option<ProfileId>,
    pub shot: Option<ProfileId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub id: ServerId,
    pub name: String,
    pub url: ServerUrl,
    /// A disabled server stays configured but receives no new jobs.
    pub enabled: bool,
}

impl Scene {
    pub fn empty(id: SceneId, title: impl Into<String>) -> Self {
        Self {
            id,
            title: title.into(),
            summary: String::new(),
            shots: Vec::new(),
            transition: Transition::Cut,
        }
    }
}
