//! Moving scenes and shots: one place at a time from the keyboard (Alt+↑ / Alt+↓) or the
//! arrow buttons, or a shot dragged onto another shot's place. Each move is one undo step.

use leptos::prelude::*;
use shotline_model::project::{Action, SceneId, ShotId};
use wasm_bindgen::JsCast;

use crate::project::ProjectData;

/// The drag payload's type: only Shotline's own shot drags are accepted as drops.
pub const SHOT_DRAG_TYPE: &str = "application/x-shotline-shot";

/// `Some(true)` for Alt+↑, `Some(false)` for Alt+↓, `None` for any other key.
pub fn alt_arrow(event: &web_sys::KeyboardEvent) -> Option<bool> {
    if !event.alt_key() || event.ctrl_key() || event.meta_key() || event.shift_key() {
        return None;
    }
    match event.key().as_str() {
        "ArrowUp" => Some(true),
        "ArrowDown" => Some(false),
        _ => None,
    }
}

/// Moves the shot one place; `false` when it is already first (or last).
pub fn step_shot(data: ProjectData, shot: &ShotId, up: bool) -> bool {
    let target = data
        .with_project(|project| project.shot_step_target(shot, up))
        .flatten();
    let Some((to_scene, at)) = target else {
        return false;
    };
    keep_focus(|| {
        data.apply(Action::MoveShot {
            shot: shot.clone(),
            to_scene,
            at,
        })
        .is_ok()
    })
}

/// Moves the scene one place; `false` when it is already first (or last).
pub fn step_scene(data: ProjectData, scene: &SceneId, up: bool) -> bool {
    let target = data
        .with_project(|project| {
            let index = project.scene_index(scene)?;
            let to = if up { index.checked_sub(1)? } else { index + 1 };
            (to < project.scenes.len()).then_some(to)
        })
        .flatten();
    let Some(to) = target else { return false };
    keep_focus(|| {
        data.apply(Action::MoveScene {
            scene: scene.clone(),
            to,
        })
        .is_ok()
    })
}

/// Puts the dragged shot in the place of `target` (before it when moving up, after it
/// when moving down, as a list reorder does).
pub fn drop_shot_on(data: ProjectData, dragged: &ShotId, target: &ShotId) {
    if dragged == target {
        return;
    }
    let place = data
        .with_project(|project| {
            let at = project.shot_position(target)?;
            Some((project.scenes[at.scene].id.clone(), at.shot))
        })
        .flatten();
    if let Some((to_scene, at)) = place {
        let _ = data.apply(Action::MoveShot {
            shot: dragged.clone(),
            to_scene,
            at,
        });
    }
}

/// A moved card is a re-inserted DOM node, which loses focus: the element that had it
/// (found again by id once the view has caught up) gets it back, so Alt+↑ can be pressed
/// again and again.
fn keep_focus(apply: impl FnOnce() -> bool) -> bool {
    let focused_id = document()
        .active_element()
        .map(|element| element.id())
        .filter(|id| !id.is_empty());
    let moved = apply();
    if moved && let Some(id) = focused_id {
        request_animation_frame(move || {
            if let Some(element) = document()
                .get_element_by_id(&id)
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        });
    }
    moved
}
