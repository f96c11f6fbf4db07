//! The one reducer every user action goes through.

use super::action::Action;
use super::change::Change;
use super::error::ModelError;
use super::ids::{SceneId, ShotId};
use super::shot::Shot;
use super::types::{Project, Scene};
use super::{scene_ops, settings_ops, shot_ops};

/// Applies `action`, or returns why it cannot be applied and leaves `project` as it was.
pub fn apply(project: &mut Project, action: Action) -> Result<Change, ModelError> {
    match action {
        Action::RenameProject { name } => {
            project.name = name;
            Ok(Change::document())
        }
        Action::SetStoryNotes { notes } => {
            project.story_notes = notes;
            Ok(Change::document())
        }
        Action::SetStyleEnhancer { enhancer, value } => {
            project.style.set(enhancer, value);
            Ok(Change::document())
        }

        Action::AddScene { id, at, title } => scene_ops::add(project, id, at, title),
        Action::DuplicateScene {
            scene,
            new_id,
            new_shots,
        } => scene_ops::duplicate(project, &scene, new_id, new_shots),
        Action::DeleteScene { scene } => scene_ops::delete(project, &scene),
        Action::MoveScene { scene, to } => scene_ops::move_to(project, &scene, to),
        Action::RenameScene { scene, title } => scene_ops::edit(project, &scene, |s| s.title = title),
        Action::SetSceneSummary { scene, summary } => {
            scene_ops::edit(project, &scene, |s| s.summary = summary)
        }
        Action::SetTransition { scene, transition } => {
            scene_ops::edit(project, &scene, |s| s.transition = transition)
        }

        Action::AddShot { scene, id, at } => shot_ops::add(project, &scene, id, at),
        Action::DuplicateShot { shot, new_id } => shot_ops::duplicate(project, &shot, new_id),
        Action::DeleteShot { shot } => shot_ops::delete(project, &shot),
        Action::MoveShot { shot, to_scene, at } => shot_ops::move_to(project, &shot, &to_scene, at),
        Action::SetPrompt { shot, prompt } => shot_ops::edit(project, &shot, |s| s.prompt = prompt),
        Action::SetNegative { shot, negative } => shot_ops::edit(project, &shot, |s| s.negative = negative),
        Action::SetShotEnhancer {
            shot,
            enhancer,
            value,
        } => shot_ops::edit(project, &shot, |s| s.enhancers.set(enhancer, value)),
        Action::SetDuration { shot, duration_s } => shot_ops::set_duration(project, &shot, duration_s),
        Action::SetSeed { shot, seed } => shot_ops::edit(project, &shot, |s| s.seed = seed),
        Action::SetKeyframe { shot, keyframe } => shot_ops::edit(project, &shot, |s| s.keyframe = keyframe),
        Action::SetShotProfile { shot, profile } => shot_ops::set_profile(project, &shot, profile),
        Action::AddTake { shot, take } => shot_ops::add_take(project, &shot, take),
        Action::ChooseTake { shot, take } => shot_ops::choose_take(project, &shot, take),

        Action::PutProfile { profile } => settings_ops::put_profile(project, profile),
        Action::RemoveProfile { profile } => settings_ops::remove_profile(project, &profile),
        Action::SetStageProfiles { keyframe, shot } => settings_ops::set_stages(project, keyframe, shot),
        Action::AddServer { server } => settings_ops::add_server(project, server),
        Action::RemoveServer { server } => settings_ops::remove_server(project, &server),
        Action::SetServerEnabled { server, enabled } => {
            settings_ops::set_server_enabled(project, &server, enabled)
        }

        Action::Batch(actions) => apply_batch(project, actions),
    }
}

fn apply_batch(project: &mut Project, actions: Vec<Action>) -> Result<Change, ModelError> {
    // Steps run on a copy so that a step failing halfway leaves nothing half-applied.
    let mut draft = project.clone();
    let mut change = Change::default();
    for action in actions {
        change.merge(apply(&mut draft, action)?);
    }
    *project = draft;
    Ok(change)
}

pub(super) fn scene_mut<'p>(project: &'p mut Project, id: &SceneId) -> Result<&'p mut Scene, ModelError> {
    project
        .scenes
        .iter_mut()
        .find(|scene| &scene.id == id)
        .ok_or_else(|| ModelError::SceneNotFound(id.clone()))
}

pub(super) fn shot_mut<'p>(project: &'p mut Project, id: &ShotId) -> Result<&'p mut Shot, ModelError> {
    project
        .scenes
        .iter_mut()
        .flat_map(|scene| scene.shots.iter_mut())
        .find(|shot| &shot.id == id)
        .ok_or_else(|| ModelError::ShotNotFound(id.clone()))
}

pub(super) fn ensure_new_scene_id(project: &Project, id: &SceneId) -> Result<(), ModelError> {
    match project.scene(id) {
        Some(_) => Err(ModelError::DuplicateId {
            kind: "scene",
            id: id.to_string(),
        }),
        None => Ok(()),
    }
}

pub(super) fn ensure_new_shot_id(project: &Project, id: &ShotId) -> Result<(), ModelError> {
    match project.shot(id) {
        Some(_) => Err(ModelError::DuplicateId {
            kind: "shot",
            id: id.to_string(),
        }),
        None => Ok(()),
    }
}

/// `index` may equal `len` (append) but not exceed it.
pub(super) fn ensure_position(index: usize, len: usize) -> Result<(), ModelError> {
    if index <= len {
        Ok(())
    } else {
        Err(ModelError::PositionOutOfRange { index, len })
    }
}
