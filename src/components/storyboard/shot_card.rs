//! One shot: what it says, how it looks, and where its latest take is.

use leptos::prelude::*;
use shotline_model::project::{Action, JobId, ShotId};

use super::enhancers::EnhancerFields;
use super::generate::ShotGenerator;
use super::job_status::JobStatus;
use super::keyframe::KeyframeField;
use super::reorder;
use super::seed::SeedLock;
use crate::generation::queue::use_render_queue;
use crate::generation::{Generation, use_generation};
use crate::project::use_project_data;
use shotline_model::render_queue::MAX_TAKES_PER_ENTRY;
use shotline_protocol::JobState;

#[component]
pub fn ShotCard(shot_id: ShotId) -> impl IntoView {
    let data = use_project_data();
    let generation = use_generation();
    let shot = data.shot(shot_id.clone());
    let number = data.shot_number(shot_id.clone());
    // Every job of the shot, oldest first: its takes and any keyframe-stage jobs.
    let jobs = generation.shot_jobs(shot_id.to_string());
    // The take on show: the newest, unless the person stepped back to an older one. A new
    // job always comes into view, so a Generate click is never followed by an old take.
    let picked = RwSignal::new(None::<String>);
    Effect::new(move |previous: Option<usize>| {
        let count = jobs.with(Vec::len);
        if previous.is_some_and(|previous| count > previous) {
            picked.set(None);
        }
        count
    });
    let shown = Memo::new(move |_| {
        let jobs = jobs.get();
        picked
            .get()
            .filter(|job| jobs.contains(job))
            .or_else(|| jobs.last().cloned())
    });
    let shown_index = Memo::new(move |_| {
        shown
            .get()
            .and_then(|job| jobs.with(|jobs| jobs.iter().position(|j| *j == job)))
    });
    let step_take = move |by: isize| {
        let Some(index) = shown_index.get_untracked() else {
            return;
        };
        let target = index.checked_add_signed(by);
        if let Some(job) = target.and_then(|target| jobs.with_untracked(|jobs| jobs.get(target).cloned())) {
            picked.set(Some(job));
        }
    };
    let is_take = move |job: &str| {
        shot.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.takes.iter().any(|take| take.as_str() == job))
        })
    };
    let is_chosen = move |job: &str| {
        shot.with(|s| {
            s.as_ref()
                .and_then(|s| s.chosen_take.clone())
                .is_some_and(|chosen| chosen.as_str() == job)
        })
    };
    let has_keyframe_stage = Memo::new(move |_| {
        data.with_project(|p| p.stages.keyframe.is_some())
            .unwrap_or(false)
    });
    let generate_error = RwSignal::new(None::<String>);
    let generator = ShotGenerator::new();
    let field_id = |what: &str| format!("{what}-{}", shot_id.as_str());
    let (prompt_id, negative_id) = (field_id("prompt"), field_id("negative"));
    let takes_id = field_id("takes");
    let render_queue = use_render_queue();

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
    let takes = RwSignal::new(1u8);
    let queued = RwSignal::new(String::new());
    let generate = {
        let shot_id = shot_id.clone();
        move |_| {
            queued.set(String::new());
            match takes.get_untracked() {
                0 | 1 => generator.generate(shot_id.clone(), generate_error),
                several => {
                    generate_error.set(None);
                    queued.set(render_queue.generate_takes(&shot_id, several));
                }
            }
        }
    };
    let set_takes = move |event| {
        let typed = event_target_value(&event);
        let n = typed
            .trim()
            .parse::<u8>()
            .unwrap_or(1)
            .clamp(1, MAX_TAKES_PER_ENTRY);
        takes.set(n);
        let input: web_sys::HtmlInputElement = event_target(&event);
        input.set_value(&n.to_string());
    };
    let retry = {
        let shot_id = shot_id.clone();
        Callback::new(move |()| generator.generate(shot_id.clone(), generate_error))
    };
    let generate_keyframe = {
        let shot_id = shot_id.clone();
        move |_| generator.generate_keyframe(shot_id.clone(), generate_error)
    };
    let choose_take = {
        let shot_id = shot_id.clone();
        move |_| {
            let take = shown.get_untracked().map(JobId::new);
            let _ = data.apply(Action::ChooseTake {
                shot: shot_id.clone(),
                take,
            });
        }
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

    let on_keydown = {
        let shot_id = shot_id.clone();
        move |event: leptos::ev::KeyboardEvent| {
            if let Some(up) = reorder::alt_arrow(&event) {
                event.prevent_default();
                reorder::step_shot(data, &shot_id, up);
            }
        }
    };
    let step = |up: bool| {
        let shot_id = shot_id.clone();
        move |_| {
            reorder::step_shot(data, &shot_id, up);
        }
    };
    let drag_start = {
        let shot_id = shot_id.clone();
        move |event: leptos::ev::DragEvent| {
            if let Some(transfer) = event.data_transfer() {
                let _ = transfer.set_data(reorder::SHOT_DRAG_TYPE, shot_id.as_str());
                transfer.set_effect_allowed("move");
            }
        }
    };
    let drag_over = |event: leptos::ev::DragEvent| {
        let ours = event
            .data_transfer()
            .is_some_and(|transfer| transfer.types().includes(&reorder::SHOT_DRAG_TYPE.into(), 0));
        if ours {
            event.prevent_default();
        }
    };
    let drop = {
        let shot_id = shot_id.clone();
        move |event: leptos::ev::DragEvent| {
            let dragged = event
                .data_transfer()
                .and_then(|transfer| transfer.get_data(reorder::SHOT_DRAG_TYPE).ok())
                .filter(|id| !id.is_empty());
            if let Some(dragged) = dragged {
                event.prevent_default();
                reorder::drop_shot_on(data, &ShotId::new(dragged), &shot_id);
            }
        }
    };
    let (up_id, down_id) = (field_id("move-up"), field_id("move-down"));

    view! {
        <article class="shot-card" role="group" aria-label=move || format!("Shot {}", number.get())
            aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
            on:keydown=on_keydown on:dragover=drag_over on:drop=drop>
            <header class="shot-header">
                <span class="drag-handle" draggable="true" on:dragstart=drag_start aria-hidden="true"
                    title="Drag to move this shot (or Alt+↑ / Alt+↓)">"⠿"</span>
                <h3>{move || format!("Shot {}", number.get())}</h3>
                <div class="shot-tools">
                    <button type="button" class="quiet icon" id=up_id aria-label="Move shot up"
                        title="Move up (Alt+↑)" on:click=step(true)>"↑"</button>
                    <button type="button" class="quiet icon" id=down_id aria-label="Move shot down"
                        title="Move down (Alt+↓)" on:click=step(false)>"↓"</button>
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
            <SeedLock shot_id=shot_id.clone() shown_take=shown />
            <div class="shot-actions">
                <button type="button" class="primary" on:click=generate>"Generate"</button>
                <label class="takes" for=takes_id.clone()
                    title="Takes to make, each with its own seed (1–16); more than one go through the render queue">
                    "Takes"
                </label>
                <input id=takes_id class="takes-count" type="number" min="1" max=MAX_TAKES_PER_ENTRY.to_string()
                    step="1" inputmode="numeric" prop:value=move || takes.get().to_string() on:change=set_takes />
                <span class="generate-said" aria-live="polite">{move || queued.get()}</span>
                <Show when=move || has_keyframe_stage.get()>
                    <button type="button" on:click=generate_keyframe.clone()
                        title="Run the project's keyframe workflow and make its image this shot's keyframe">
                        "Generate keyframe"
                    </button>
                </Show>
            </div>
            <p class="field-error" role="alert">{move || generate_error.get()}</p>
            <Show when=move || jobs.with(|jobs| jobs.len() > 1)>
                <nav class="take-picker" aria-label="Takes">
                    <button type="button" class="quiet" aria-label="Previous take"
                        disabled=move || shown_index.get().is_none_or(|index| index == 0)
                        on:click=move |_| step_take(-1)>"‹"</button>
                    <span class="take-count">{move || format!(
                        "Take {} of {}",
                        shown_index.get().map_or(0, |index| index + 1),
                        jobs.with(Vec::len)
                    )}</span>
                    <button type="button" class="quiet" aria-label="Next take"
                        disabled=move || shown_index.get().is_none_or(|index| index + 1 >= jobs.with(Vec::len))
                        on:click=move |_| step_take(1)>"›"</button>
                    {
                        let choose_take = choose_take.clone();
                        move || {
                            let job = shown.get()?;
                            Some(if is_chosen(&job) {
                                view! { <span class="chosen-take">"Chosen take"</span> }.into_any()
                            } else if is_take(&job) && finished_well(generation, &job) {
                                view! { <button type="button" class="quiet" on:click=choose_take.clone()>"Use this take"</button> }.into_any()
                            } else if is_take(&job) {
                                // Failed, cancelled, lost or still running: nothing to choose yet.
                                ().into_any()
                            } else {
                                view! { <span class="take-kind">"Keyframe run"</span> }.into_any()
                            })
                        }
                    }
                </nav>
            </Show>
            {
                let shot_id = shot_id.clone();
                move || match shown.get() {
                    Some(prompt_id) => view! { <JobStatus prompt_id shot_id=shot_id.clone() on_retry=retry /> }.into_any(),
                    None => view! { <p class="job-state" role="status">"Draft"</p> }.into_any(),
                }
            }
        </article>
    }
}

/// The job ended Done: a take worth choosing.
fn finished_well(generation: Generation, prompt_id: &str) -> bool {
    generation
        .job(prompt_id)
        .is_some_and(|job| job.with(|view| matches!(view.state, JobState::Done { .. })))
}
