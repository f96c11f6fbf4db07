//! The parts of a project one action touched, kept so undo and redo can put them back.
//! Keeping only those parts (not whole copies) bounds undo memory by the size of the
//! edits rather than 100 times the project with its workflows.

use std::collections::HashMap;
use std::mem;

use super::change::Change;
use super::ids::{JobId, SceneId, ShotId};
use super::shot::Shot;
use super::types::{Project, Scene};

/// `None` in `scenes` / `shots` means the thing did not exist at capture time.
#[derive(Debug, Clone)]
pub(super) struct Patch {
    header: Option<Project>,
    scene_order: Option<Vec<SceneId>>,
    scenes: Vec<(SceneId, Option<Scene>)>,
    shots: Vec<(ShotId, Option<Shot>)>,
}

pub(super) fn capture(project: &Project, change: &Change) -> Patch {
    let in_touched_scene = |id: &ShotId| {
        project
            .shot_position(id)
            .is_some_and(|at| change.scenes.contains(&project.scenes[at.scene].id))
    };
    Patch {
        header: change.document.then(|| header_of(project)),
        scene_order: change
            .scene_order
            .then(|| project.scenes.iter().map(|scene| scene.id.clone()).collect()),
        scenes: change
            .scenes
            .iter()
            .map(|id| (id.clone(), project.scene(id).cloned()))
            .collect(),
        // A shot inside a touched scene travels with that scene's copy.
        shots: change
            .shots
            .iter()
            .filter(|id| !in_touched_scene(id))
            .map(|id| (id.clone(), project.shot(id).cloned()))
            .collect(),
    }
}

pub(super) fn restore(project: &mut Project, patch: Patch) {
    let takes_now = takes_by_shot(project);
    if let Some(header) = patch.header {
        let scenes = mem::take(&mut project.scenes);
        *project = Project { scenes, ..header };
    }
    match patch.scene_order {
        Some(order) => {
            let mut pool: HashMap<SceneId, Scene> = mem::take(&mut project.scenes)
                .into_iter()
                .map(|scene| (scene.id.clone(), scene))
                .collect();
            for (id, scene) in patch.scenes {
                match scene {
                    Some(scene) => pool.insert(id, scene),
                    None => pool.remove(&id),
                };
            }
            project.scenes = order.iter().filter_map(|id| pool.remove(id)).collect();
        }
        None => {
            // Without a change of order no scene came or went, so each one has a slot.
            for (id, scene) in patch.scenes {
                if let (Some(scene), Some(slot)) = (scene, project.scenes.iter_mut().find(|s| s.id == id)) {
                    *slot = scene;
                }
            }
        }
    }
    for (id, shot) in patch.shots {
        put_shot(project, &id, shot);
    }
    keep_takes(project, takes_now);
}

/// Everything but the scenes, with every field named so a new one cannot be forgotten.
fn header_of(project: &Project) -> Project {
    Project {
        id: project.id.clone(),
        name: project.name.clone(),
        created_at_ms: project.created_at_ms,
        updated_at_ms: project.updated_at_ms,
        story_notes: project.story_notes.clone(),
        style: project.style.clone(),
        profiles: project.profiles.clone(),
        stages: project.stages.clone(),
        servers: project.servers.clone(),
        scenes: Vec::new(),
    }
}

fn put_shot(project: &mut Project, id: &ShotId, shot: Option<Shot>) {
    let Some(at) = project.shot_position(id) else {
        return;
    };
    let shots = &mut project.scenes[at.scene].shots;
    match shot {
        Some(shot) => shots[at.shot] = shot,
        None => {
            shots.remove(at.shot);
        }
    }
}

fn takes_by_shot(project: &Project) -> HashMap<ShotId, Vec<JobId>> {
    project
        .numbered_shots()
        .map(|(_, _, shot)| (shot.id.clone(), shot.takes.clone()))
        .collect()
}

/// Takes are the record of jobs already sent to ComfyUI and only ever grow; undoing a
/// prompt edit must not orphan a take that arrived after it.
fn keep_takes(project: &mut Project, mut takes_now: HashMap<ShotId, Vec<JobId>>) {
    for shot in project.scenes.iter_mut().flat_map(|scene| scene.shots.iter_mut()) {
        if let Some(takes) = takes_now.remove(&shot.id) {
            shot.takes = takes;
        }
    }
}
