//! Accepting a draft: one [`Action::Batch`] that adds its scenes and shots, so the
//! reducer applies it all or nothing and undo takes it back in one step.

use shotline_model::project::{Action, Enhancer, Project, SceneId, ShotId};

use crate::draft::Draft;

/// Appends the draft's scenes after the project's last one. A project nobody has written
/// in yet (a new project's empty "Scene 1") loses its blank scenes in the same step, so
/// a 3 × 4 draft gives a storyboard of exactly 12 shots.
///
/// `fresh_id` makes scene and shot ids (the app passes its UUID generator).
pub fn accept_draft(project: &Project, draft: &Draft, fresh_id: &mut impl FnMut() -> String) -> Action {
    let blank_scenes: Vec<SceneId> = if is_blank(project) {
        project.scenes.iter().map(|scene| scene.id.clone()).collect()
    } else {
        Vec::new()
    };
    let mut actions = Vec::new();
    for (offset, scene) in draft.scenes.iter().enumerate() {
        let scene_id = SceneId::new(fresh_id());
        actions.push(Action::AddScene {
            id: scene_id.clone(),
            at: project.scenes.len() + offset,
            title: scene.title.clone(),
        });
        if !scene.summary.is_empty() {
            actions.push(Action::SetSceneSummary {
                scene: scene_id.clone(),
                summary: scene.summary.clone(),
            });
        }
        for (at, shot) in scene.shots.iter().enumerate() {
            let shot_id = ShotId::new(fresh_id());
            actions.push(Action::AddShot {
                scene: scene_id.clone(),
                id: shot_id.clone(),
                at,
            });
            actions.push(Action::SetPrompt {
                shot: shot_id.clone(),
                prompt: shot.prompt.clone(),
            });
            for enhancer in Enhancer::ALL {
                if let Some(value) = shot.enhancers.get(enhancer) {
                    actions.push(Action::SetShotEnhancer {
                        shot: shot_id.clone(),
                        enhancer,
                        value: Some(value.to_owned()),
                    });
                }
            }
            if let Some(duration_s) = shot.duration_s {
                actions.push(Action::SetDuration {
                    shot: shot_id.clone(),
                    duration_s,
                });
            }
        }
    }
    // Deleted after the new scenes exist: the reducer refuses to remove a last scene.
    if !draft.scenes.is_empty() {
        actions.extend(
            blank_scenes
                .into_iter()
                .map(|scene| Action::DeleteScene { scene }),
        );
    }
    Action::Batch(actions)
}

/// Nothing typed, generated or attached in any scene, whose titles are still the
/// numbered ones the app gives new scenes: replacing them loses nothing.
fn is_blank(project: &Project) -> bool {
    project.scenes.iter().all(|scene| {
        let title = scene.title.trim();
        let default_title = title.is_empty()
            || title
                .strip_prefix("Scene ")
                .is_some_and(|n| n.parse::<usize>().is_ok());
        default_title
            && scene.summary.trim().is_empty()
            && scene.shots.iter().all(|shot| {
                shot.prompt.trim().is_empty()
                    && shot.negative.trim().is_empty()
                    && shot.takes.is_empty()
                    && shot.keyframe.is_none()
                    && shot.profile.is_none()
            })
    })
}
