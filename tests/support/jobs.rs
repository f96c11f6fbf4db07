//! An engine without storage and the waits the generation suites share.

use leptos::prelude::*;
use shotline::generation::{Generation, JobView, ShotRequest, provide_generation};
use shotline_protocol::JobState;
use shotline_protocol::job::FailureKind;

use super::{clear_faults, set_faults, sim_url, still_image, wait_for};

/// An engine in its own reactive owner, without storage (jobs live in memory).
pub fn engine() -> (Owner, Generation) {
    let owner = Owner::new();
    let generation = owner.with(|| provide_generation(None));
    (owner, generation)
}

pub fn submit(generation: &Generation, prompt: shotline_protocol::http::ApiPrompt) -> String {
    generation.submit(ShotRequest {
        project_id: "wasm-tests".into(),
        shot_id: "shot-1".into(),
        server: sim_url(),
        prompt,
        profile_id: None,
        seed: None,
        keyframes: Vec::new(),
    })
}

pub fn view(generation: &Generation, prompt_id: &str) -> JobView {
    generation
        .job(prompt_id)
        .expect("the job is tracked")
        .get_untracked()
}

pub async fn wait_for_end(generation: &Generation, prompt_id: &str) -> JobView {
    wait_for("the job to end", || {
        Some(view(generation, prompt_id)).filter(JobView::is_finished)
    })
    .await
}

/// Waits for the end and fails the test, saying how it ended, unless it is Done.
pub async fn wait_for_done(generation: &Generation, prompt_id: &str) -> JobView {
    let ended = wait_for_end(generation, prompt_id).await;
    assert!(
        matches!(ended.state, JobState::Done { .. }),
        "ended {:?}",
        ended.state
    );
    ended
}

pub async fn wait_until_running(generation: &Generation, prompt_id: &str) {
    wait_for("the job to run", || {
        matches!(view(generation, prompt_id).state, JobState::Running(_)).then_some(())
    })
    .await;
}

/// Runs the still image with `faults` on and returns how it failed (failing the test if it
/// did not); the faults are off again afterwards.
pub async fn failure_under(faults: serde_json::Value) -> (FailureKind, String) {
    set_faults(faults).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let ended = wait_for_end(&generation, &id).await;
    clear_faults().await;
    let JobState::Failed { kind, message, .. } = ended.state else {
        panic!("expected Failed, got {:?}", ended.state);
    };
    (kind, message)
}
