//! Reducers for scenes: add, duplicate, delete, reorder, edit.

use std::collections::BTreeSet;

use super::apply::{ensure_new_scene_id, ensure_new_shot_id, ensure_position, scene_mut};
use super::change::Change;
use super::error::ModelError;
use super::ids::{SceneId, ShotId};
use super::types::{Project, Scene};
use crate::ordered::ordered_set;

pub(super) fn add(
    project: &mut Project,
    id: SceneId,
    at: usize,
    title: String,
) -> Result<Change, ModelError> {
    ensure_new_scene_id(project, &id)?;
    ensure_position(at, project.scenes.len())?;
    project.scenes.insert(at, Scene::empty(id.clone(), title));
    Ok(order_change([id], []))
}

pub(super) fn duplicate(
    project: &mut Project,
    scene: &SceneId,
    new_id: SceneId,
    new_shots: Vec<ShotId>,
) -> Result<Change, ModelError> {
    let index = project
        .scene_index(scene)
        .ok_or_else(|| ModelError::SceneNotFound(scene.clone()))?;
    let original = &project.scenes[index];
    if new_shots.len() != original.shots.len() {
        return Err(ModelError::ShotIdCountMismatch {
            expected: original.shots.len(),
            given: new_shots.len(),
        });
    }
    ensure_new_scene_id(project, &new_id)?;
    let mut seen = BTreeSet::new();
    for id in &new_shots {
        ensure_new_shot_id(project, id)?;
        if !seen.insert(id) {
            return Err(ModelError::DuplicateId {
                kind: "shot",
                id: id.to_string(),
            });
        }
    }
    let copy = Scene {
        id: new_id.clone(),
        title: format!("{} (copy)", original.title),
        shots: original
            .shots
            .iter()
            .zip(&new_shots)
            .map(|(shot, id)| shot.duplicate(id.clone()))
            .collect(),
        ..original.clone()
    };
    project.scenes.insert(index + 1, copy);
    Ok(order_change([new_id], new_shots))
}

pub(super) fn delete(project: &mut Project, scene: &SceneId) -> Result<Change, ModelError> {
    let index = project
        .scene_index(scene)
        .ok_or_else(|| ModelError::SceneNotFound(scene.clone()))?;
    if project.scenes.len() == 1 {
        return Err(ModelError::LastScene);
    }
    let removed = project.scenes.remove(index);
    Ok(order_change(
        [removed.id],
        removed.shots.into_iter().map(|shot| shot.id),
    ))
}

pub(super) fn move_to(project: &mut Project, scene: &SceneId, to: usize) -> Result<Change, ModelError> {
    let from = project
        .scene_index(scene)
        .ok_or_else(|| ModelError::SceneNotFound(scene.clone()))?;
    // The scene leaves the list before it is reinserted, so the last valid index is len - 1.
    ensure_position(to, project.scenes.len() - 1)?;
    let moved = project.scenes.remove(from);
    project.scenes.insert(to, moved);
    Ok(Change {
        scene_order: true,
        ..Change::default()
    })
}

pub(super) fn edit(
    project: &mut Project,
    scene: &SceneId,
    edit: impl FnOnce(&mut Scene),
) -> Result<Change, ModelError> {
    edit(scene_mut(project, scene)?);
    Ok(Change::scene(scene.clone()))
}

fn order_change(
    scenes: impl IntoIterator<Item = SceneId>,
    shots: impl IntoIterator<Item = ShotId>,
) -> Change {
    Change {
        scene_order: true,
        scenes: ordered_set(scenes),
        shots: ordered_set(shots),
        ..Change::default()
    }
}
