//! A shot: one generation unit of the storyboard, and the check it must pass before it
//! is sent to ComfyUI.

use serde::{Deserialize, Serialize};

use super::enhancers::Enhancers;
use super::error::ModelError;
use super::ids::{JobId, MediaId, ProfileId, ShotId};

/// What a new or reset shot lasts; short enough for a video model's usual clip length.
pub const DEFAULT_SHOT_DURATION_S: f64 = 4.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Seed {
    /// A new random seed for every take.
    #[default]
    Random,
    /// The same seed every take, so a prompt tweak is the only thing that changes.
    /// Stored as text: the browser's JSON would round it (see [`crate::js_safe`]).
    Fixed(#[serde(with = "crate::js_safe::integer")] u64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shot {
    pub id: ShotId,
    pub prompt: String,
    #[serde(default)]
    pub negative: String,
    #[serde(default)]
    pub enhancers: Enhancers,
    pub duration_s: f64,
    #[serde(default)]
    pub seed: Seed,
    /// The start image, a record of the media store.
    #[serde(default)]
    pub keyframe: Option<MediaId>,
    /// Overrides the project's shot profile for this shot only.
    #[serde(default)]
    pub profile: Option<ProfileId>,
    /// Jobs submitted for this shot, oldest first.
    #[serde(default)]
    pub takes: Vec<JobId>,
    /// The take the timeline shows; always one of `takes`.
    #[serde(default)]
    pub chosen_take: Option<JobId>,
}

impl Shot {
    pub fn empty(id: ShotId) -> Self {
        Self {
            id,
            prompt: String::new(),
            negative: String::new(),
            enhancers: Enhancers::default(),
            duration_s: DEFAULT_SHOT_DURATION_S,
            seed: Seed::Random,
            keyframe: None,
            profile: None,
            takes: Vec::new(),
            chosen_take: None,
        }
    }

    /// A copy under a new id. Takes stay with the original: they are generations of
    /// that shot, and their jobs point back at it.
    pub fn duplicate(&self, id: ShotId) -> Self {
        Self {
            id,
            takes: Vec::new(),
            chosen_take: None,
            ..self.clone()
        }
    }
}

/// Editing allows an empty prompt (a storyboard is drafted in any order); sending one
/// to ComfyUI does not.
pub fn validate_for_generate(shot: &Shot) -> Result<(), ModelError> {
    if shot.prompt.trim().is_empty() {
        return Err(ModelError::EmptyPrompt(shot.id.clone()));
    }
    validate_duration(shot.duration_s)
}

pub(super) fn validate_duration(duration_s: f64) -> Result<(), ModelError> {
    if duration_s.is_finite() && duration_s > 0.0 {
        Ok(())
    } else {
        Err(ModelError::InvalidDuration(duration_s))
    }
}
