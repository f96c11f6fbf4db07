//! Creating a project and finding things in it.

use super::enhancers::Enhancers;
use super::ids::{ProjectId, SceneId, ShotId};
use super::shot::Shot;
use super::types::{Project, Scene, StageProfiles};

/// Where a shot sits: indexes into `scenes` and that scene's `shots`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShotPosition {
    pub scene: usize,
    pub shot: usize,
}

/// A shot's place and its number ("Shot N", counted from 1 across the project).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShotSlot {
    pub number: usize,
    pub at: ShotPosition,
}

/// Every shot's slot, by id: one pass over the project instead of one search per shot.
pub type ShotSlots = std::collections::HashMap<ShotId, ShotSlot>;

impl Project {
    /// A project the user can start typing into: one scene holding one empty shot.
    /// `fresh_id` makes ids (the app passes a UUID generator).
    pub fn new_with_first_shot(
        name: impl Into<String>,
        now_ms: i64,
        fresh_id: &mut impl FnMut() -> String,
    ) -> Self {
        let mut scene = Scene::empty(SceneId::new(fresh_id()), "Scene 1");
        scene.shots.push(Shot::empty(ShotId::new(fresh_id())));
        Self {
            id: ProjectId::new(fresh_id()),
            name: name.into(),
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            story_notes: String::new(),
            style: Enhancers::default(),
            profiles: Vec::new(),
            stages: StageProfiles::default(),
            servers: Vec::new(),
            scenes: vec![scene],
        }
    }

    pub fn scene(&self, id: &SceneId) -> Option<&Scene> {
        self.scenes.iter().find(|scene| &scene.id == id)
    }

    pub fn scene_index(&self, id: &SceneId) -> Option<usize> {
        self.scenes.iter().position(|scene| &scene.id == id)
    }

    pub fn shot(&self, id: &ShotId) -> Option<&Shot> {
        self.shot_position(id)
            .map(|at| &self.scenes[at.scene].shots[at.shot])
    }

    pub fn shot_position(&self, id: &ShotId) -> Option<ShotPosition> {
        self.scenes.iter().enumerate().find_map(|(scene_index, scene)| {
            let shot_index = scene.shots.iter().position(|shot| &shot.id == id)?;
            Some(ShotPosition {
                scene: scene_index,
                shot: shot_index,
            })
        })
    }

    /// Every shot in timeline order with its "Shot N" number, counted from 1 across
    /// scenes so a number means the same thing in every view.
    pub fn numbered_shots(&self) -> impl Iterator<Item = (usize, &Scene, &Shot)> {
        self.scenes
            .iter()
            .flat_map(|scene| scene.shots.iter().map(move |shot| (scene, shot)))
            .enumerate()
            .map(|(index, (scene, shot))| (index + 1, scene, shot))
    }

    /// The shot after `id` in timeline order, across scene boundaries; `None` for the
    /// last shot (or an unknown id).
    pub fn next_shot(&self, id: &ShotId) -> Option<&Shot> {
        let mut shots = self.numbered_shots().map(|(_, _, shot)| shot);
        shots.find(|shot| &shot.id == id)?;
        shots.next()
    }

    /// Where a shot goes when moved one place up or down: within its scene, or across
    /// into the end of the scene before / the start of the scene after. `None` at the very
    /// start or end of the storyboard. The result is what [`Action::MoveShot`] takes.
    ///
    /// [`Action::MoveShot`]: super::Action::MoveShot
    pub fn shot_step_target(&self, id: &ShotId, up: bool) -> Option<(SceneId, usize)> {
        let at = self.shot_position(id)?;
        let scene = &self.scenes[at.scene];
        match (up, at.shot) {
            (true, 0) => {
                let before = self.scenes.get(at.scene.checked_sub(1)?)?;
                Some((before.id.clone(), before.shots.len()))
            }
            (true, index) => Some((scene.id.clone(), index - 1)),
            (false, index) if index + 1 < scene.shots.len() => Some((scene.id.clone(), index + 1)),
            (false, _) => Some((self.scenes.get(at.scene + 1)?.id.clone(), 0)),
        }
    }

    /// Every shot's number and position (see [`ShotSlots`]).
    pub fn shot_slots(&self) -> ShotSlots {
        let mut number = 0;
        let mut slots = ShotSlots::with_capacity(self.scenes.iter().map(|s| s.shots.len()).sum());
        for (scene_index, scene) in self.scenes.iter().enumerate() {
            for (shot_index, shot) in scene.shots.iter().enumerate() {
                number += 1;
                let at = ShotPosition {
                    scene: scene_index,
                    shot: shot_index,
                };
                slots.insert(shot.id.clone(), ShotSlot { number, at });
            }
        }
        slots
    }

    /// The shot at `slot`, if it is still `id` there.
    pub fn shot_at(&self, id: &ShotId, at: ShotPosition) -> Option<&Shot> {
        let shot = self.scenes.get(at.scene)?.shots.get(at.shot)?;
        (&shot.id == id).then_some(shot)
    }

    pub fn shot_number(&self, id: &ShotId) -> Option<usize> {
        self.numbered_shots()
            .find(|(_, _, shot)| &shot.id == id)
            .map(|(number, _, _)| number)
    }
}
