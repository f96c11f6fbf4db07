//! The storyboard: scenes as sections, shots as cards, in order.

mod budget;
mod continuity;
mod enhancers;
mod gallery;
mod generate;
mod generate_all;
mod job_status;
mod keyframe;
mod manifest;
mod media;
mod render_queue;
mod reorder;
mod scene;
mod seed;
mod shot_card;

use leptos::prelude::*;
use shotline_model::project::SceneId;

use crate::components::keyed_rows::KeyedRows;
use crate::project::use_project_data;
use gallery::Gallery;
use generate_all::GenerateAll;
use render_queue::RenderQueuePanel;
use scene::SceneSection;

#[component]
pub fn Storyboard() -> impl IntoView {
    let data = use_project_data();
    budget::RenderBudget::provide(data);
    let scene_ids = Memo::new(move |_| {
        data.with_project(|project| {
            project
                .scenes
                .iter()
                .map(|scene| scene.id.clone())
                .collect::<Vec<SceneId>>()
        })
        .unwrap_or_default()
    });
    let add_scene = move |_| {
        let at = scene_ids.with_untracked(Vec::len);
        let title = format!("Scene {}", at + 1);
        if let Ok(scene) = data.add_scene(at, title) {
            let _ = data.add_shot(&scene, 0);
        }
    };
    view! {
        <section class="storyboard" aria-label="Storyboard">
            <Show
                when=move || data.with_project(|_| ()).is_some()
                fallback=|| view! { <p class="loading">"Opening your storyboard…"</p> }
            >
                <div class="storyboard-tools"><GenerateAll /></div>
                <RenderQueuePanel />
                <Gallery />
                <KeyedRows
                    ids=Signal::derive(move || scene_ids.with(|ids| ids.iter().map(SceneId::to_string).collect()))
                    row=Callback::new(|id| view! { <SceneSection scene_id=SceneId::new(id) /> }.into_any())
                />
                <button type="button" class="add-scene" on:click=add_scene>"Add scene"</button>
            </Show>
        </section>
    }
}
