//! Generate all: every shot of a scene (or the project) through the engine, a few at a
//! time per server, past failures, with an overall bar and a Stop that cancels only this
//! app's own pending jobs.

use leptos::prelude::*;
use shotline_model::project::{SceneId, ShotId};
use shotline_protocol::JobState;
use shotline_protocol::job::FailureKind;
use wasm_bindgen_futures::spawn_local;

use super::generate::ShotGenerator;
use crate::generation::{Generation, use_generation};
use crate::project::use_project_data;

const POLL_MS: u32 = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct RunTally {
    total: usize,
    done: usize,
    failed: usize,
    /// Shots whose request could not be built (no workflow, empty prompt…): no job.
    unbuilt: usize,
    running: bool,
}

#[component]
pub fn GenerateAll(#[prop(optional)] scene: Option<SceneId>) -> impl IntoView {
    let data = use_project_data();
    let generation = use_generation();
    let generator = ShotGenerator::new();
    let tally = RwSignal::new(RunTally::default());
    let stop_requested = RwSignal::new(false);
    let submitted = StoredValue::new(Vec::<String>::new());
    let moves = StoredValue::new(Vec::<Move>::new());
    let label = if scene.is_some() {
        "Generate scene"
    } else {
        "Generate all"
    };
    let scene = StoredValue::new(scene);

    let start = move |_| {
        let shots: Vec<ShotId> = data
            .with_project_untracked()
            .map(|project| {
                project
                    .scenes
                    .iter()
                    .filter(|s| scene.with_value(|scene| scene.as_ref().is_none_or(|wanted| &s.id == wanted)))
                    .flat_map(|s| s.shots.iter().map(|shot| shot.id.clone()))
                    .collect()
            })
            .unwrap_or_default();
        stop_requested.set(false);
        submitted.set_value(Vec::new());
        moves.set_value(Vec::new());
        tally.set(RunTally {
            total: shots.len(),
            running: true,
            ..RunTally::default()
        });
        spawn_local(async move {
            for shot in shots {
                wait_for_room(generator, generation, submitted, stop_requested).await;
                if stop_requested.get_untracked() {
                    break;
                }
                let before = generation.jobs_of_shot(shot.as_str()).len();
                let error = RwSignal::new(None::<String>);
                generator.generate(shot.clone(), error);
                // The request is built asynchronously (keyframe upload): wait for the job.
                loop {
                    if let Some(id) = generation.jobs_of_shot(shot.as_str()).get(before).cloned() {
                        submitted.update_value(|ids| ids.push(id));
                        break;
                    }
                    if error.get_untracked().is_some() {
                        tally.update(|t| t.unbuilt += 1);
                        break;
                    }
                    gloo_timers::future::TimeoutFuture::new(POLL_MS / 4).await;
                }
                move_unreached(generator, generation, submitted, moves);
                count(generation, submitted, tally);
            }
            while !stop_requested.get_untracked() && (unfinished(generation, submitted) > 0 || moving(moves))
            {
                move_unreached(generator, generation, submitted, moves);
                count(generation, submitted, tally);
                gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
            }
            count(generation, submitted, tally);
            tally.update(|t| t.running = false);
        });
    };
    let stop = move |_| {
        stop_requested.set(true);
        for id in submitted.get_value() {
            let pending = generation.job(&id).is_some_and(|job| {
                job.with_untracked(|v| matches!(v.state, JobState::Submitting | JobState::Queued { .. }))
            });
            if pending {
                generation.cancel(&id);
            }
        }
        tally.update(|t| t.running = false);
    };

    view! {
        <div class="generate-all">
            <Show
                when=move || tally.get().running
                fallback=move || view! { <button type="button" class="primary" on:click=start>{label}</button> }
            >
                <button type="button" on:click=stop>"Stop"</button>
            </Show>
            <Show when=move || { tally.get().total > 0 }>
                {move || {
                    let t = tally.get();
                    let finished = t.done + t.failed;
                    let pct = (finished * 100).checked_div(t.total).unwrap_or(0);
                    view! {
                        <div class="run-tally">
                            <div class="progress" role="progressbar" aria-label=format!("{label} progress")
                                aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.to_string()>
                                <div class="progress-fill" style=format!("width: {pct}%")></div>
                            </div>
                            <span>{format!("{} done · {} failed · {} remaining", t.done, t.failed, t.total - finished)}</span>
                        </div>
                    }
                }}
            </Show>
        </div>
    }
}

/// A failed submission being placed on another server.
#[derive(Clone)]
struct Move {
    shot: String,
    /// How many jobs the shot had before: the next one is the moved run.
    jobs_before: usize,
    failed: String,
    error: RwSignal<Option<String>>,
}

/// A submission that never reached its server — killed between placement and the POST:
/// the request failed and the server's queue could not be asked either — is placed once
/// more, on another server of the pool (the person asked for the shot, not for that
/// server); the failed attempt stays as a take that says what happened. Without a pool
/// (or another healthy member) it stays failed, with Retry.
fn move_unreached(
    generator: ShotGenerator,
    generation: Generation,
    submitted: StoredValue<Vec<String>>,
    moves: StoredValue<Vec<Move>>,
) {
    for moved in moves.get_value() {
        let Some(new_id) = generation
            .jobs_of_shot(&moved.shot)
            .get(moved.jobs_before)
            .cloned()
        else {
            continue;
        };
        submitted.update_value(|ids| {
            if let Some(slot) = ids.iter_mut().find(|id| **id == moved.failed) {
                *slot = new_id;
            }
        });
        moves.update_value(|moves| moves.retain(|m| m.failed != moved.failed));
    }
    for id in submitted.get_value() {
        let unreached = generation.job(&id).and_then(|job| {
            job.with_untracked(|v| {
                matches!(
                    v.state,
                    JobState::Failed {
                        kind: FailureKind::SubmitRefused { status: 0 },
                        ..
                    }
                )
                .then(|| v.shot_id.clone())
            })
        });
        let Some(shot) = unreached else { continue };
        if moves.with_value(|moves| moves.iter().any(|m| m.failed == id)) {
            continue;
        }
        let error = RwSignal::new(None::<String>);
        moves.update_value(|moves| {
            moves.push(Move {
                jobs_before: generation.jobs_of_shot(&shot).len(),
                shot,
                failed: id.clone(),
                error,
            })
        });
        generator.resubmit_elsewhere(id, error);
    }
}

/// Whether a move is still on its way (not refused with a reason).
fn moving(moves: StoredValue<Vec<Move>>) -> bool {
    moves.with_value(|moves| moves.iter().any(|m| m.error.get_untracked().is_none()))
}

/// Backpressure: one prompt running and one waiting in ComfyUI's queue per server (see
/// `shotline_model::pool::has_room`), so the timeline never floods a shared server.
async fn wait_for_room(
    generator: ShotGenerator,
    generation: Generation,
    submitted: StoredValue<Vec<String>>,
    stop: RwSignal<bool>,
) {
    while !stop.get_untracked() && !generator.has_room(unfinished(generation, submitted)) {
        gloo_timers::future::TimeoutFuture::new(POLL_MS).await;
    }
}

fn unfinished(generation: Generation, submitted: StoredValue<Vec<String>>) -> usize {
    submitted
        .get_value()
        .iter()
        .filter(|id| {
            generation
                .job(id)
                .is_some_and(|job| job.with_untracked(|v| !v.is_finished()))
        })
        .count()
}

fn count(generation: Generation, submitted: StoredValue<Vec<String>>, tally: RwSignal<RunTally>) {
    let (mut done, mut failed) = (0, 0);
    for id in submitted.get_value() {
        match generation
            .job(&id)
            .map(|job| job.with_untracked(|v| v.state.clone()))
        {
            Some(JobState::Done { .. }) => done += 1,
            Some(JobState::Failed { .. } | JobState::Lost { .. } | JobState::Cancelled) => failed += 1,
            _ => {}
        }
    }
    tally.update(|t| {
        t.done = done;
        t.failed = t.unbuilt + failed;
    });
}
