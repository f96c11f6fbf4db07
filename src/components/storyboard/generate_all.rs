//! Generate all (or a scene): every shot into the project's render queue, which runs
//! them a few at a time per server and survives reloads (see `generation::queue`).

use leptos::prelude::*;
use shotline_model::project::SceneId;

use crate::generation::queue::use_render_queue;

#[component]
pub fn GenerateAll(#[prop(optional)] scene: Option<SceneId>) -> impl IntoView {
    let queue = use_render_queue();
    let said = RwSignal::new(String::new());
    let label = if scene.is_some() {
        "Generate scene"
    } else {
        "Generate all"
    };
    let start = move |_| {
        said.set(match &scene {
            Some(scene) => queue.generate_scene(scene),
            None => queue.generate_all(),
        });
    };
    view! {
        <div class="generate-all">
            <button type="button" class="primary" on:click=start>{label}</button>
            <span class="generate-said" aria-live="polite">{move || said.get()}</span>
        </div>
    }
}
