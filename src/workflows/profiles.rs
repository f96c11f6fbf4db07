//! The project stores a profile's workflow and mapping as plain JSON (the project model
//! does not depend on the workflow module); this is where they are read back as types.

use shotline_model::project::{ProfileId, Project, Shot, WorkflowProfile};
use shotline_model::workflow::{ApiWorkflow, Mapping, Profile};

use super::error::WorkflowError;

/// The typed workflow and mapping of a stored profile.
pub fn read_profile(stored: &WorkflowProfile) -> Result<Profile, WorkflowError> {
    let damaged = |error: serde_json::Error| WorkflowError::DamagedProfile {
        name: stored.name.clone(),
        reason: error.to_string(),
    };
    let workflow: ApiWorkflow = serde_json::from_value(stored.workflow.clone()).map_err(damaged)?;
    let mapping: Mapping = serde_json::from_value(stored.mapping.clone()).map_err(damaged)?;
    Ok(Profile {
        name: stored.name.clone(),
        workflow,
        mapping,
    })
}

/// A profile as the project stores it.
pub fn stored_profile(id: ProfileId, profile: &Profile) -> WorkflowProfile {
    WorkflowProfile {
        id,
        name: profile.name.clone(),
        workflow: profile.workflow.to_value(),
        // A mapping is a map of enum keys to plain rows: it always serialises.
        mapping: serde_json::to_value(&profile.mapping).unwrap_or_default(),
    }
}

/// The profile with `id` in `project`, typed.
pub fn find_profile(project: &Project, id: &ProfileId) -> Result<Profile, WorkflowError> {
    project
        .profiles
        .iter()
        .find(|profile| &profile.id == id)
        .ok_or_else(|| WorkflowError::ProfileNotFound(id.clone()))
        .and_then(read_profile)
}

/// The profile a shot generates with: its own override, else the project's shot stage.
pub fn shot_profile_id(project: &Project, shot: &Shot) -> Option<ProfileId> {
    shot.profile.clone().or_else(|| project.stages.shot.clone())
}
