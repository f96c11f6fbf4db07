//! A drafted storyboard, held apart from the project until the user accepts it.
//!
//! Its serde form is also what the model is asked to write, so a draft sent back as
//! context for regenerating one scene reads exactly like the model's own answer.

use serde::{Deserialize, Serialize};
use shotline_model::project::Enhancers;

use crate::error::DraftError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub scenes: Vec<DraftScene>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftScene {
    pub title: String,
    pub summary: String,
    pub shots: Vec<DraftShot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftShot {
    /// What the camera sees; never blank once validated.
    pub prompt: String,
    /// Suggestions; unset slots fall back to the project's style.
    #[serde(default)]
    pub enhancers: Enhancers,
    /// `None` leaves the project's default duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
}

impl Draft {
    pub fn shot_count(&self) -> usize {
        self.scenes.iter().map(|scene| scene.shots.len()).sum()
    }

    /// Puts a regenerated scene in place of scene `index` (0-based).
    pub fn replace_scene(&mut self, index: usize, scene: DraftScene) -> Result<(), DraftError> {
        let slot = self
            .scenes
            .get_mut(index)
            .ok_or(DraftError::SceneNotInDraft(index + 1))?;
        *slot = scene;
        Ok(())
    }

    /// Puts a regenerated shot in place of shot `shot` of scene `scene` (both 0-based).
    pub fn replace_shot(&mut self, scene: usize, shot: usize, new_shot: DraftShot) -> Result<(), DraftError> {
        let slot = self
            .scenes
            .get_mut(scene)
            .ok_or(DraftError::SceneNotInDraft(scene + 1))?
            .shots
            .get_mut(shot)
            .ok_or(DraftError::ShotNotInDraft {
                scene: scene + 1,
                shot: shot + 1,
            })?;
        *slot = new_shot;
        Ok(())
    }

    pub(crate) fn scene(&self, index: usize) -> Result<&DraftScene, DraftError> {
        self.scenes
            .get(index)
            .ok_or(DraftError::SceneNotInDraft(index + 1))
    }

    pub(crate) fn shot(&self, scene: usize, shot: usize) -> Result<&DraftShot, DraftError> {
        self.scene(scene)?
            .shots
            .get(shot)
            .ok_or(DraftError::ShotNotInDraft {
                scene: scene + 1,
                shot: shot + 1,
            })
    }
}
