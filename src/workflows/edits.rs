//! Editing the project's profiles: rename, remove, stages, mapping overrides. Each is
//! one project action, so it is undoable like any other edit.

use shotline_model::project::{Action, ProfileId};
use shotline_model::workflow::{MappedInput, Target};

use super::error::WorkflowError;
use super::handle::Workflows;
use super::profiles::{find_profile, stored_profile};

/// The reason shown for a row the user picked from the dropdown.
const CHOSEN_BY_USER: &str = "chosen by you";

/// Which of the two generation stages a profile serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Text to image: makes a shot's keyframe.
    Keyframe,
    /// Makes the shot itself (often image to video, from the keyframe).
    Shot,
}

impl Workflows {
    /// A blank name is ignored: a profile listed without a name could not be told apart.
    pub fn rename_profile(&self, id: &ProfileId, name: &str) -> Result<(), WorkflowError> {
        let name = name.trim();
        let mut profile = self.profile(id)?;
        if name.is_empty() || name == profile.name {
            return Ok(());
        }
        profile.name = name.to_owned();
        self.put(id, &profile)
    }

    /// Refused while a stage or a shot uses the profile; the error names them.
    pub fn remove_profile(&self, id: &ProfileId) -> Result<(), WorkflowError> {
        self.data.apply(Action::RemoveProfile { profile: id.clone() })?;
        Ok(())
    }

    /// Makes `id` the profile of `stage`, or clears the stage with `None`.
    pub fn set_stage_profile(&self, stage: Stage, id: Option<ProfileId>) -> Result<(), WorkflowError> {
        let stages = self
            .data
            .with_project_untracked()
            .map(|project| project.stages)
            .unwrap_or_default();
        let (keyframe, shot) = match stage {
            Stage::Keyframe => (id, stages.shot),
            Stage::Shot => (stages.keyframe, id),
        };
        self.data.apply(Action::SetStageProfiles { keyframe, shot })?;
        Ok(())
    }

    /// Points `target` at one node input (`None` unmaps it), replacing its rows.
    pub fn set_mapping(
        &self,
        id: &ProfileId,
        target: Target,
        input: Option<(String, String)>,
    ) -> Result<(), WorkflowError> {
        let mut profile = self.profile(id)?;
        let rows = input
            .map(|(node, input)| MappedInput {
                node,
                input,
                reason: CHOSEN_BY_USER.to_owned(),
            })
            .into_iter()
            .collect();
        profile.mapping.set(target, rows);
        self.put(id, &profile)
    }

    fn profile(&self, id: &ProfileId) -> Result<shotline_model::workflow::Profile, WorkflowError> {
        let project = self
            .data
            .with_project_untracked()
            .ok_or(WorkflowError::ProfileNotFound(id.clone()))?;
        find_profile(&project, id)
    }

    fn put(&self, id: &ProfileId, profile: &shotline_model::workflow::Profile) -> Result<(), WorkflowError> {
        self.data.apply(Action::PutProfile {
            profile: stored_profile(id.clone(), profile),
        })?;
        Ok(())
    }
}
