//! No state without a way out, against comfy-sim: a job read back after a reload in the
//! middle of its POST or of its download reaches a verdict, and a run whose history is
//! cleared before it was read ends Lost within 30 s, asking history a bounded number of
//! times.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use shotline::comfy::ComfyClient;
use shotline::generation::{Generation, provide_generation};
use shotline::storage::{JobRecord, JobStatus, Storage, settings};
use shotline_protocol::http::{ApiPrompt, PromptRequest};
use shotline_protocol::job::{EMPTY_HISTORY_LOOKS_BEFORE_LOST, FailureKind, LostReason};
use shotline_protocol::{Job, JobEvent, JobState, apply};
use support::jobs::*;
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// What the brief promises a person: a cleared history ends the shot within this.
const HISTORY_CLEARED_VERDICT_MS: f64 = 30_000.0;

async fn fresh_storage() -> Storage {
    Storage::open(&format!("shotline-way-out-{}", uuid::Uuid::new_v4()))
        .await
        .expect("IndexedDB opens in headless Chromium")
}

/// The record the app writes before its POST, as this tab's earlier page left it.
fn stored(prompt_id: &str, prompt: &ApiPrompt, job: Job) -> JobRecord {
    let now = js_sys::Date::now();
    let record = JobRecord {
        prompt_id: prompt_id.to_owned(),
        project_id: "wasm-way-out".into(),
        shot_id: "shot-1".into(),
        server: sim_url().as_str().to_owned(),
        client_id: settings::client_id(),
        attempt: 1,
        created_ms: now,
        updated_ms: now,
        job,
        status: JobStatus::Active,
        prompt: serde_json::to_value(prompt).unwrap(),
        profile_id: None,
        seed: None,
        outputs: Vec::new(),
        media_not_saved: Vec::new(),
        keyframes: Vec::new(),
    };
    assert!(!record.job.is_terminal());
    record
}

/// The POST the earlier page sent before it went away (its answer never read).
async fn post_directly(prompt_id: &str, prompt: &ApiPrompt) {
    let request = PromptRequest {
        prompt: prompt.clone(),
        client_id: settings::client_id(),
        prompt_id: prompt_id.to_owned(),
        extra_data: None,
        front: false,
    };
    ComfyClient::new(sim_url())
        .submit(&request)
        .await
        .expect("the simulator accepts the prompt");
}

/// The page after the reload: an engine over the same storage.
fn reloaded(storage: Storage) -> (Owner, Generation) {
    let owner = Owner::new();
    let generation = owner.with(|| provide_generation(Some(storage)));
    (owner, generation)
}

/// The page reloaded with `job` stored as it was: a new engine over the same storage,
/// once it follows the job again.
async fn reload_with(storage: Storage, prompt: &ApiPrompt, job: Job) -> (Owner, Generation) {
    let id = job.prompt_id().to_owned();
    storage.put_job(&stored(&id, prompt, job)).await.unwrap();
    let (owner, generation) = reloaded(storage);
    wait_tracked(&generation, &id).await;
    (owner, generation)
}

async fn wait_tracked(generation: &Generation, prompt_id: &str) {
    wait_for("the stored job to be followed again", || {
        generation.job(prompt_id).map(|_| ())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_reload_during_the_post_that_reached_comfyui_ends_done() {
    fresh_sim().await;
    let storage = fresh_storage().await;
    let prompt = still_image();
    let id = uuid::Uuid::new_v4().to_string();
    post_directly(&id, &prompt).await;
    let (_owner, generation) = reload_with(storage, &prompt, Job::new(&id, &prompt)).await;
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1, "its image is shown");
}

#[wasm_bindgen_test]
async fn a_reload_during_the_post_that_never_reached_comfyui_ends_lost_with_its_reason() {
    fresh_sim().await;
    let storage = fresh_storage().await;
    let prompt = still_image();
    let id = uuid::Uuid::new_v4().to_string();
    let (_owner, generation) = reload_with(storage, &prompt, Job::new(&id, &prompt)).await;
    let ended = wait_for_end(&generation, &id).await;
    assert_eq!(
        ended.state,
        JobState::Lost {
            reason: LostReason::SubmitInterrupted
        }
    );
    // Resubmit runs it.
    let again = generation.resubmit(&id).expect("a lost job can be resubmitted");
    wait_for_done(&generation, &again).await;
}

#[wasm_bindgen_test]
async fn cancel_of_a_submission_cut_off_by_a_reload_ends_cancelled() {
    fresh_sim().await;
    let storage = fresh_storage().await;
    let prompt = still_image();
    let id = uuid::Uuid::new_v4().to_string();
    let (_owner, generation) = reload_with(storage, &prompt, Job::new(&id, &prompt)).await;
    assert_eq!(view(&generation, &id).state, JobState::Submitting);
    generation.cancel(&id);
    let ended = wait_for_end(&generation, &id).await;
    assert_eq!(ended.state, JobState::Cancelled);
}

#[wasm_bindgen_test]
async fn outputs_being_fetched_at_a_reload_are_fetched_again_and_the_job_ends_done() {
    fresh_sim().await;
    let storage = fresh_storage().await;
    let prompt = still_image();
    let id = uuid::Uuid::new_v4().to_string();
    post_directly(&id, &prompt).await;
    let client = ComfyClient::new(sim_url());
    let mut entry = None;
    for _ in 0..200 {
        entry = client.history_entry(&id).await.unwrap();
        if entry.is_some() {
            break;
        }
        sleep_ms(50).await;
    }
    let entry = entry.expect("the run reaches history");
    // The earlier page had read the verdict and was downloading the files.
    let mut job = Job::new(&id, &prompt);
    apply(&mut job, JobEvent::SubmitAccepted, 0);
    apply(&mut job, JobEvent::History(Some(&entry)), 0);
    assert!(matches!(
        job.state(),
        JobState::FetchingOutputs { outputs: Some(_) }
    ));
    let (_owner, generation) = reload_with(storage, &prompt, job).await;
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
    assert!(done.outputs[0].data_url.starts_with("data:image/png;base64,"));
}

#[wasm_bindgen_test]
async fn history_cleared_before_it_was_read_ends_lost_within_thirty_seconds() {
    fresh_sim().await;
    // Every history read waits, so the run's entry can be cleared before this page reads it.
    set_faults(serde_json::json!({"history_delay_ms": 1_500})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(3, 0.2));
    wait_for("the run to end on the server", || {
        matches!(
            view(&generation, &id).state,
            JobState::FetchingOutputs { outputs: None }
        )
        .then_some(())
    })
    .await;
    let clear = format!("{}/api/history", sim_url().as_str());
    let response = gloo_net::http::Request::post(&clear)
        .json(&serde_json::json!({"clear": true}))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(response.ok());
    let cleared_at = js_sys::Date::now();
    reset_request_counts().await;
    clear_faults().await;
    let ended = wait_for_end(&generation, &id).await;
    let took = js_sys::Date::now() - cleared_at;
    assert_eq!(
        ended.state,
        JobState::Lost {
            reason: LostReason::HistoryCleared
        }
    );
    assert!(took < HISTORY_CLEARED_VERDICT_MS, "Lost after {took} ms");
    let reads = request_count(&format!("/history/{id}")).await;
    assert!(
        reads <= u64::from(EMPTY_HISTORY_LOOKS_BEFORE_LOST) + 2,
        "{reads} history reads: the retries multiplied"
    );
    // Nothing keeps asking once it is Lost.
    sleep_ms(3_000).await;
    assert_eq!(request_count(&format!("/history/{id}")).await, reads);
}

#[wasm_bindgen_test]
async fn history_that_keeps_answering_an_error_fails_the_shot_saying_what_it_answered() {
    fresh_sim().await;
    let (kind, message) =
        failure_under(serde_json::json!({"http": {"path": "/history", "status": 404, "times": 1000}})).await;
    assert_eq!(kind, FailureKind::VerdictUnreadable);
    assert!(message.contains("404"), "says what history answered: {message}");
}
