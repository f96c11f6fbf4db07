//! Reducers for project-wide settings: workflow profiles, the two stages, servers.

use super::change::Change;
use super::error::ModelError;
use super::ids::{ProfileId, ServerId};
use super::types::{Project, ServerConfig, WorkflowProfile};

pub(super) fn put_profile(project: &mut Project, profile: WorkflowProfile) -> Result<Change, ModelError> {
    match project.profiles.iter_mut().find(|p| p.id == profile.id) {
        Some(existing) => *existing = profile,
        None => project.profiles.push(profile),
    }
    Ok(Change::document())
}

/// Refused while a stage or a shot still uses the profile: removing it would leave them
/// generating with nothing, which the user would only find out on the next run.
pub(super) fn remove_profile(project: &mut Project, profile: &ProfileId) -> Result<Change, ModelError> {
    let index = project
        .profiles
        .iter()
        .position(|p| &p.id == profile)
        .ok_or_else(|| ModelError::ProfileNotFound(profile.clone()))?;
    let users = profile_users(project, profile);
    if !users.is_empty() {
        return Err(ModelError::ProfileInUse {
            name: project.profiles[index].name.clone(),
            used_by: users.join(", "),
        });
    }
    project.profiles.remove(index);
    Ok(Change::document())
}

pub(super) fn set_stages(
    project: &mut Project,
    keyframe: Option<ProfileId>,
    shot: Option<ProfileId>,
) -> Result<Change, ModelError> {
    for id in keyframe.iter().chain(&shot) {
        if !project.profiles.iter().any(|p| &p.id == id) {
            return Err(ModelError::ProfileNotFound(id.clone()));
        }
    }
    project.stages.keyframe = keyframe;
    project.stages.shot = shot;
    Ok(Change::document())
}

pub(super) fn add_server(project: &mut Project, server: ServerConfig) -> Result<Change, ModelError> {
    if project.servers.iter().any(|s| s.id == server.id) {
        return Err(ModelError::DuplicateId {
            kind: "server",
            id: server.id.to_string(),
        });
    }
    project.servers.push(server);
    Ok(Change::document())
}

pub(super) fn remove_server(project: &mut Project, server: &ServerId) -> Result<Change, ModelError> {
    let index = project
        .servers
        .iter()
        .position(|s| &s.id == server)
        .ok_or_else(|| ModelError::ServerNotFound(server.clone()))?;
    project.servers.remove(index);
    Ok(Change::document())
}

pub(super) fn set_server_enabled(
    project: &mut Project,
    server: &ServerId,
    enabled: bool,
) -> Result<Change, ModelError> {
    let target = project
        .servers
        .iter_mut()
        .find(|s| &s.id == server)
        .ok_or_else(|| ModelError::ServerNotFound(server.clone()))?;
    target.enabled = enabled;
    Ok(Change::document())
}

/// Who uses `profile`, as the user would name them ("the keyframe stage", "Shot 3").
fn profile_users(project: &Project, profile: &ProfileId) -> Vec<String> {
    let stages = [
        (&project.stages.keyframe, "the keyframe stage"),
        (&project.stages.shot, "the shot stage"),
    ];
    let stage_users = stages
        .into_iter()
        .filter(|(used, _)| used.as_ref() == Some(profile))
        .map(|(_, name)| name.to_owned());
    let shot_users = project
        .numbered_shots()
        .filter(|(_, _, shot)| shot.profile.as_ref() == Some(profile))
        .map(|(number, _, _)| format!("Shot {number}"));
    stage_users.chain(shot_users).collect()
}
