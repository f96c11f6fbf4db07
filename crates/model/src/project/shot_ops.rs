//! Reducers for shots: add, duplicate, delete, move, and field edits.

use super::apply::{ensure_new_shot_id, ensure_position, scene_mut, shot_mut};
use super::change::Change;
use super::error::ModelError;
use super::ids::{JobId, ProfileId, SceneId, ShotId};
use super::shot::{Shot, validate_duration};
use super::types::Project;

pub(super) fn add(
    project: &mut Project,
    scene: &SceneId,
    id: ShotId,
    at: usize,
) -> Result<Change, ModelError> {
    ensure_new_shot_id(project, &id)?;
    let target = scene_mut(project, scene)?;
    ensure_position(at, target.shots.len())?;
    target.shots.insert(at, Shot::empty(id.clone()));
    Ok(scene_and_shot(scene.clone(), id))
}

pub(super) fn duplicate(project: &mut Project, shot: &ShotId, new_id: ShotId) -> Result<Change, ModelError> {
    ensure_new_shot_id(project, &new_id)?;
    let at = project
        .shot_position(shot)
        .ok_or_else(|| ModelError::ShotNotFound(shot.clone()))?;
    let scene = &mut project.scenes[at.scene];
    let copy = scene.shots[at.shot].duplicate(new_id.clone());
    scene.shots.insert(at.shot + 1, copy);
    Ok(scene_and_shot(scene.id.clone(), new_id))
}

pub(super) fn delete(project: &mut Project, shot: &ShotId) -> Result<Change, ModelError> {
    let at = project
        .shot_position(shot)
        .ok_or_else(|| ModelError::ShotNotFound(shot.clone()))?;
    let scene = &mut project.scenes[at.scene];
    scene.shots.remove(at.shot);
    Ok(scene_and_shot(scene.id.clone(), shot.clone()))
}

pub(super) fn move_to(
    project: &mut Project,
    shot: &ShotId,
    to_scene: &SceneId,
    at: usize,
) -> Result<Change, ModelError> {
    let from = project
        .shot_position(shot)
        .ok_or_else(|| ModelError::ShotNotFound(shot.clone()))?;
    let to = project
        .scene_index(to_scene)
        .ok_or_else(|| ModelError::TargetSceneNotFound(to_scene.clone()))?;
    // Within one scene the shot leaves the list before it is reinserted.
    let target_len = project.scenes[to].shots.len() - usize::from(from.scene == to);
    ensure_position(at, target_len)?;
    let moved = project.scenes[from.scene].shots.remove(from.shot);
    project.scenes[to].shots.insert(at, moved);
    // The shot is listed too, so a store that files shots under their scene rewrites it.
    let mut change = scene_and_shot(project.scenes[from.scene].id.clone(), shot.clone());
    change.scenes.insert(to_scene.clone());
    Ok(change)
}

pub(super) fn edit(
    project: &mut Project,
    shot: &ShotId,
    edit: impl FnOnce(&mut Shot),
) -> Result<Change, ModelError> {
    edit(shot_mut(project, shot)?);
    Ok(Change::shot(shot.clone()))
}

pub(super) fn set_duration(
    project: &mut Project,
    shot: &ShotId,
    duration_s: f64,
) -> Result<Change, ModelError> {
    validate_duration(duration_s)?;
    edit(project, shot, |s| s.duration_s = duration_s)
}

pub(super) fn set_profile(
    project: &mut Project,
    shot: &ShotId,
    profile: Option<ProfileId>,
) -> Result<Change, ModelError> {
    if let Some(id) = &profile
        && !project.profiles.iter().any(|p| &p.id == id)
    {
        return Err(ModelError::ProfileNotFound(id.clone()));
    }
    edit(project, shot, |s| s.profile = profile)
}

pub(super) fn add_take(project: &mut Project, shot: &ShotId, take: JobId) -> Result<Change, ModelError> {
    let target = shot_mut(project, shot)?;
    if target.takes.contains(&take) {
        return Err(ModelError::TakeAlreadyAdded {
            shot: shot.clone(),
            take,
        });
    }
    target.takes.push(take);
    Ok(Change::shot(shot.clone()))
}

pub(super) fn choose_take(
    project: &mut Project,
    shot: &ShotId,
    take: Option<JobId>,
) -> Result<Change, ModelError> {
    let target = shot_mut(project, shot)?;
    if let Some(id) = &take
        && !target.takes.contains(id)
    {
        return Err(ModelError::TakeNotFound {
            shot: shot.clone(),
            take: id.clone(),
        });
    }
    target.chosen_take = take;
    Ok(Change::shot(shot.clone()))
}

fn scene_and_shot(scene: SceneId, shot: ShotId) -> Change {
    let mut change = Change::scene(scene);
    change.shots.insert(shot);
    change
}
