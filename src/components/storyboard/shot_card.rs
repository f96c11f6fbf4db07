//! One shot: what it says, how it looks, and where its latest take is.

use leptos::prelude::*;
use shotline_model::project::{Action, Seed, ShotId};

use super::enhancers::EnhancerFields;
use super::generate::ShotGenerator;
use super::job_status::JobStatus;
use super::keyframe::KeyframeField;
use crate::generation::use_generation;
use crate::project::use_project_data;

#[component]
pub fn ShotCard(shot_id: ShotId) -> impl IntoView {
    let data = use_project_data();
    let generation = use_generation();
    let shot = data.shot(shot_id.clone());
    let number = {
        let shot_id = shot_id.clone();
        Memo::new(move |_| {
            data.with_project(|project| project.shot_number(&shot_id))
                .flatten()
                .unwrap_or(0)
        })
    };
    let latest_job = {
        let shot_id = shot_id.clone();
        Memo::new(move |_| {
            generation.job_ids().track();
            generation.jobs_of_shot(shot_id.as_str()).pop()
        })
    };
    let generate_error = RwSignal::new(None::<String>);
    let generator = ShotGenerator::new();
    let field_id = |what: &str| format!("{what}-{}", shot_id.as_str());
    let (prompt_id, negative_id) = (field_id("prompt"), field_id("negative"));

    let set_prompt = {
        let shot_id = shot_id.clone();
        move |event| {
            let _ = data.apply(Action::SetPrompt {
                shot: shot_id.clone(),
                prompt: event_target_value(&event),
            });
        }
    };
    let set_negative = {
        let shot_id = shot_id.clone();
        move |event| {
            let _ = data.apply(Action::SetNegative {
                shot: shot_id.clone(),
                negative: event_target_value(&event),
            });
        }
    };
    let lock_seed = {
        let shot_id = shot_id.clone();
        move |event| {
            let locked = event_target_checked(&event);
            let seed = if locked {
                Seed::Fixed((js_sys::Math::random() * 1e15) as u64)
            } else {
                Seed::Random
            };
            let _ = data.apply(Action::SetSeed {
                shot: shot_id.clone(),
                seed,
            });
        }
    };
    let generate = {
        let shot_id = shot_id.clone();
        move |_| generator.generate(shot_id.clone(), generate_error)
    };
    let duplicate = {
        let shot_id = shot_id.clone();
        move |_| {
            let _ = data.duplicate_shot(&shot_id);
        }
    };
    let delete = {
        let shot_id = shot_id.clone();
        move |_| {
            let _ = data.apply(Action::DeleteShot {
                shot: shot_id.clone(),
            });
        }
    };

    view! {
        <article class="shot-card" role="group" aria-label=move || format!("Shot {}", number.get())>
            <header class="shot-header">
                <h3>{move || format!("Shot {}", number.get())}</h3>
                <div class="shot-tools">
                    <button type="button" class="quiet" on:click=duplicate>"Duplicate"</button>
                    <button type="button" class="quiet" on:click=delete>"Delete"</button>
                </div>
            </header>
            <label class="field" for=prompt_id.clone()>"Prompt"</label>
            <textarea id=prompt_id rows="3"
                prop:value=move || shot.with(|s| s.as_ref().map(|s| s.prompt.clone()).unwrap_or_default())
                on:change=set_prompt></textarea>
            <label class="field" for=negative_id.clone()>"Negative prompt"</label>
            <textarea id=negative_id rows="2"
                prop:value=move || shot.with(|s| s.as_ref().map(|s| s.negative.clone()).unwrap_or_default())
                on:change=set_negative></textarea>
            <KeyframeField shot_id=shot_id.clone() />
            <details class="enhancers">
                <summary>"Style enhancers"</summary>
                <div class="enhancer-grid"><EnhancerFields shot_id=shot_id.clone() /></div>
            </details>
            <label class="seed-lock">
                <input type="checkbox"
                    prop:checked=move || shot.with(|s| s.as_ref().is_some_and(|s| matches!(s.seed, Seed::Fixed(_))))
                    on:change=lock_seed />
                "Lock seed"
            </label>
            <div class="shot-actions">
                <button type="button" class="primary" on:click=generate>"Generate"</button>
            </div>
            <p class="field-error" role="alert">{move || generate_error.get()}</p>
            {move || match latest_job.get() {
                Some(prompt_id) => view! { <JobStatus prompt_id /> }.into_any(),
                None => view! { <p class="job-state" role="status">"Draft"</p> }.into_any(),
            }}
        </article>
    }
}
