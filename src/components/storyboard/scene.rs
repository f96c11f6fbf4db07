//! One scene: its title and summary, its shots, and the controls that add to it.

use leptos::prelude::*;
use shotline_model::project::{Action, SceneId, ShotId};

use super::budget::use_render_budget;
use super::reorder;
use super::shot_card::ShotCard;
use crate::components::keyed_rows::KeyedRows;
use crate::project::use_project_data;

#[component]
pub fn SceneSection(scene_id: SceneId) -> impl IntoView {
    let data = use_project_data();
    let scene = {
        let scene_id = scene_id.clone();
        Memo::new(move |_| {
            data.with_project(|project| project.scene(&scene_id).cloned())
                .flatten()
        })
    };
    let shot_ids = Memo::new(move |_| {
        scene
            .with(|scene| {
                scene.as_ref().map(|s| {
                    s.shots
                        .iter()
                        .map(|shot| shot.id.clone())
                        .collect::<Vec<ShotId>>()
                })
            })
            .unwrap_or_default()
    });
    // The cards built so far: all of them once the storyboard has finished opening.
    let budget = use_render_budget();
    let shown_ids = Memo::new(move |_| {
        shot_ids.with(|ids| {
            ids.iter()
                .take_while(|id| data.shot_slot(id).is_some_and(|slot| budget.allows(slot.number)))
                .map(ShotId::to_string)
                .collect::<Vec<String>>()
        })
    });
    let title_id = format!("scene-title-{}", scene_id.as_str());
    let (labelled_by, label_for) = (title_id.clone(), title_id.clone());
    let rename = {
        let scene_id = scene_id.clone();
        move |event| {
            let title = event_target_value(&event);
            let _ = data.apply(Action::RenameScene {
                scene: scene_id.clone(),
                title,
            });
        }
    };
    let summarise = {
        let scene_id = scene_id.clone();
        move |event| {
            let summary = event_target_value(&event);
            let _ = data.apply(Action::SetSceneSummary {
                scene: scene_id.clone(),
                summary,
            });
        }
    };
    let add_shot = {
        let scene_id = scene_id.clone();
        move |_| {
            let at = shot_ids.with_untracked(Vec::len);
            let _ = data.add_shot(&scene_id, at);
        }
    };
    let delete_scene = {
        let scene_id = scene_id.clone();
        move |_| {
            let _ = data.apply(Action::DeleteScene {
                scene: scene_id.clone(),
            });
        }
    };
    let on_keydown = {
        let scene_id = scene_id.clone();
        move |event: leptos::ev::KeyboardEvent| {
            if let Some(up) = reorder::alt_arrow(&event) {
                event.prevent_default();
                reorder::step_scene(data, &scene_id, up);
            }
        }
    };
    let step = |up: bool| {
        let scene_id = scene_id.clone();
        move |_| {
            reorder::step_scene(data, &scene_id, up);
        }
    };
    let (up_id, down_id) = (
        format!("scene-up-{}", scene_id.as_str()),
        format!("scene-down-{}", scene_id.as_str()),
    );
    view! {
        <section class="scene" aria-labelledby=labelled_by>
            // Alt+↑/↓ in the header moves the scene; inside a shot card it moves the shot.
            <header class="scene-header" on:keydown=on_keydown aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown">
                <label class="visually-hidden" for=label_for>"Scene title"</label>
                <input
                    id=title_id
                    class="scene-title"
                    type="text"
                    prop:value=move || scene.with(|s| s.as_ref().map(|s| s.title.clone()).unwrap_or_default())
                    on:change=rename
                />
                <button type="button" class="quiet icon" id=up_id aria-label="Move scene up"
                    title="Move scene up (Alt+↑)" on:click=step(true)>"↑"</button>
                <button type="button" class="quiet icon" id=down_id aria-label="Move scene down"
                    title="Move scene down (Alt+↓)" on:click=step(false)>"↓"</button>
                <button type="button" class="quiet" on:click=delete_scene>"Delete scene"</button>
            </header>
            <label class="field">
                <span>"Scene summary"</span>
                <textarea
                    rows="2"
                    prop:value=move || scene.with(|s| s.as_ref().map(|s| s.summary.clone()).unwrap_or_default())
                    on:change=summarise
                ></textarea>
            </label>
            <div class="shots">
                <KeyedRows
                    ids=shown_ids
                    row=Callback::new(|id| view! { <ShotCard shot_id=ShotId::new(id) /> }.into_any())
                />
            </div>
            <button type="button" class="add-shot" on:click=add_shot>"Add shot"</button>
        </section>
    }
}
