//! Every user action on the open project: the model's reducer through undo history,
//! then a save of what it touched.

use leptos::prelude::*;
use shotline_model::project::{Action, Change, History, MediaId, ModelError, ProjectId, SceneId, ShotId};

use super::error::ProjectError;
use super::handle::ProjectData;

impl ProjectData {
    /// Applies any [`Action`] (they are all in the model) as one undo step.
    pub fn apply(&self, action: Action) -> Result<(), ProjectError> {
        let change = self
            .history
            .try_update(|history| {
                let history = history.as_mut().ok_or(ProjectError::NoProjectOpen)?;
                Ok::<_, ProjectError>(history.apply(action, now_ms())?)
            })
            .ok_or(ProjectError::NoProjectOpen)??;
        self.schedule_save(change);
        Ok(())
    }

    /// Reverts the last step; `false` when there was nothing to undo.
    pub fn undo(&self) -> bool {
        self.step(|history, now| history.undo(now))
    }

    pub fn redo(&self) -> bool {
        self.step(|history, now| history.redo(now))
    }

    pub fn add_scene(&self, at: usize, title: impl Into<String>) -> Result<SceneId, ProjectError> {
        let id = SceneId::new(fresh_id());
        self.apply(Action::AddScene {
            id: id.clone(),
            at,
            title: title.into(),
        })?;
        Ok(id)
    }

    pub fn duplicate_scene(&self, scene: &SceneId) -> Result<SceneId, ProjectError> {
        // An unknown scene gets no shot ids, and the reducer refuses it by name.
        let shot_count = self
            .history
            .with_untracked(|h| {
                h.as_ref()
                    .and_then(|h| h.project().scene(scene).map(|s| s.shots.len()))
            })
            .unwrap_or_default();
        let new_id = SceneId::new(fresh_id());
        self.apply(Action::DuplicateScene {
            scene: scene.clone(),
            new_id: new_id.clone(),
            new_shots: (0..shot_count).map(|_| ShotId::new(fresh_id())).collect(),
        })?;
        Ok(new_id)
    }

    pub fn add_shot(&self, scene: &SceneId, at: usize) -> Result<ShotId, ProjectError> {
        let id = ShotId::new(fresh_id());
        self.apply(Action::AddShot {
            scene: scene.clone(),
            id: id.clone(),
            at,
        })?;
        Ok(id)
    }

    pub fn duplicate_shot(&self, shot: &ShotId) -> Result<ShotId, ProjectError> {
        let new_id = ShotId::new(fresh_id());
        self.apply(Action::DuplicateShot {
            shot: shot.clone(),
            new_id: new_id.clone(),
        })?;
        Ok(new_id)
    }

    /// Continuity: makes `keyframe` the keyframe of the shot after `shot`, or of a new shot
    /// added right after it when `shot` is the last; one undo step either way. Returns the
    /// shot that received it.
    pub fn set_next_keyframe(&self, shot: &ShotId, keyframe: MediaId) -> Result<ShotId, ProjectError> {
        let (next, position) = self.history.with_untracked(|history| {
            let project = history.as_ref().ok_or(ProjectError::NoProjectOpen)?.project();
            let position = project
                .shot_position(shot)
                .ok_or_else(|| ModelError::ShotNotFound(shot.clone()))?;
            let scene = project.scenes[position.scene].id.clone();
            let next = project.next_shot(shot).map(|next| next.id.clone());
            Ok::<_, ProjectError>((next, (scene, position.shot)))
        })?;
        let set = |target: &ShotId| Action::SetKeyframe {
            shot: target.clone(),
            keyframe: Some(keyframe.clone()),
        };
        match next {
            Some(next) => {
                self.apply(set(&next))?;
                Ok(next)
            }
            None => {
                let (scene, index) = position;
                let id = ShotId::new(fresh_id());
                self.apply(Action::Batch(vec![
                    Action::AddShot {
                        scene,
                        id: id.clone(),
                        at: index + 1,
                    },
                    set(&id),
                ]))?;
                Ok(id)
            }
        }
    }

    fn step(&self, step: impl FnOnce(&mut History, i64) -> Option<Change>) -> bool {
        let change = self
            .history
            .try_update(|history| history.as_mut().and_then(|history| step(history, now_ms())))
            .flatten();
        match change {
            Some(change) => {
                self.schedule_save(change);
                true
            }
            None => false,
        }
    }
}

pub(super) fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(super) fn fresh_project_id() -> ProjectId {
    ProjectId::new(fresh_id())
}

pub(super) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}
