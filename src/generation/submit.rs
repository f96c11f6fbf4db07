//! The POST of a recorded job, and what its answer does to the job. A 400 saying that a
//! keyframe's file is missing on the server (its input folder cleaned, another server at
//! the address) is answered by uploading the keyframe again and posting once more.

use leptos::prelude::*;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::JobEvent;
use shotline_protocol::http::{ApiPrompt, PromptAccepted, PromptRejected, PromptRequest};

use super::engine::{EngineRef, apply_event};
use super::persist::save_job_now;
use super::{keyframes, reconcile};
use crate::comfy::{ComfyClient, ComfyError};

/// A POST that has not answered by then is aborted and the server asked whether it got
/// the prompt, so a job never waits for its submission's answer without end. ComfyUI
/// answers `/prompt` once it has validated the workflow: well under a second.
const SUBMIT_TIMEOUT_MS: u32 = 60_000;

/// The job record is written before the POST: events can beat the HTTP answer (trace c)
/// and a reload in between must still know the prompt id.
pub(super) async fn submit_recorded(
    engine: EngineRef,
    prompt_id: String,
    server: ServerUrl,
    prompt: ApiPrompt,
) {
    save_job_now(&engine, &prompt_id).await;

    let client_id = engine.borrow().client_id.clone();
    let mut request = PromptRequest {
        prompt,
        client_id,
        prompt_id: prompt_id.clone(),
        extra_data: None,
        front: false,
    };
    let client = ComfyClient::new(server.clone()).with_timeout_ms(SUBMIT_TIMEOUT_MS);
    let mut uploaded_again = false;
    loop {
        match client.submit(&request).await {
            Ok(accepted) => accepted_with_notes(&engine, &prompt_id, &accepted),
            Err(ComfyError::Validation(rejected)) => {
                let refused = refused_keyframes(&engine, &prompt_id, &rejected);
                match refused.first() {
                    None => apply_event(&engine, &prompt_id, JobEvent::SubmitRejected(&rejected)),
                    Some(slot) if uploaded_again => {
                        // Uploaded a moment ago and missing again: something other than a
                        // cleaned folder is at work. Retry must still upload afresh.
                        keyframes::forget_server(&engine, server.as_str());
                        let event = JobEvent::KeyframeRejected {
                            rejected: &rejected,
                            node: &slot.node,
                        };
                        apply_event(&engine, &prompt_id, event);
                    }
                    Some(_) => {
                        uploaded_again = true;
                        if upload_again(&engine, &server, &mut request, &refused).await {
                            continue;
                        }
                    }
                }
            }
            Err(ComfyError::Http { status, body, .. }) => {
                apply_event(
                    &engine,
                    &prompt_id,
                    JobEvent::SubmitFailed { status, body: &body },
                );
            }
            // The request may or may not have reached the server: ask it before failing.
            Err(error) => unanswered(&engine, &client, &prompt_id, &error).await,
        }
        break;
    }
    reconcile::request(&engine, &prompt_id);
}

/// The POST got no answer: the queue, then history (a fast run may be over already),
/// say whether the server has the prompt.
async fn unanswered(engine: &EngineRef, client: &ComfyClient, prompt_id: &str, error: &ComfyError) {
    let queue = client.queue().await.ok();
    let listed = queue
        .as_ref()
        .is_some_and(|queue| queue.is_running(prompt_id) || queue.pending(prompt_id).is_some());
    let history = match &queue {
        Some(_) if !listed => client.history_entry(prompt_id).await.ok().flatten(),
        _ => None,
    };
    let message = error.to_string();
    let event = JobEvent::SubmitUnanswered {
        queue: queue.as_ref(),
        history: history.as_ref(),
        error: &message,
    };
    apply_event(engine, prompt_id, event);
}

fn accepted_with_notes(engine: &EngineRef, prompt_id: &str, accepted: &PromptAccepted) {
    apply_event(engine, prompt_id, JobEvent::SubmitAccepted);
    if !accepted.node_errors.is_empty() {
        let nodes: Vec<&str> = accepted.node_errors.keys().map(String::as_str).collect();
        note(
            engine,
            prompt_id,
            format!(
                "ComfyUI accepted the prompt but skipped outputs with errors in nodes {}",
                nodes.join(", ")
            ),
        );
    }
}

fn refused_keyframes(
    engine: &EngineRef,
    prompt_id: &str,
    rejected: &PromptRejected,
) -> Vec<crate::storage::KeyframeInput> {
    engine
        .borrow()
        .jobs
        .get(prompt_id)
        .map(|job| keyframes::refused_keyframes(rejected, &job.record.keyframes))
        .unwrap_or_default()
}

/// Uploads the refused keyframes again and records the prompt that will be posted; `true`
/// when it should be posted. A rejected prompt never entered the server's queue or
/// history (trace c), so posting it again under the same prompt id overwrites nothing,
/// and the job, its take and its views keep their one id.
async fn upload_again(
    engine: &EngineRef,
    server: &ServerUrl,
    request: &mut PromptRequest,
    refused: &[crate::storage::KeyframeInput],
) -> bool {
    let prompt_id = request.prompt_id.clone();
    if let Err(error) = keyframes::upload_again(engine, server, &mut request.prompt, refused).await {
        let body = format!("it no longer had the shot's keyframe, and uploading it again failed. {error}");
        apply_event(
            engine,
            &prompt_id,
            JobEvent::SubmitFailed {
                status: 0,
                body: &body,
            },
        );
        return false;
    }
    {
        let mut state = engine.borrow_mut();
        let Some(job) = state.jobs.get_mut(&prompt_id) else {
            return false;
        };
        // Cancelled or moved elsewhere while the keyframe was uploading.
        if job.record.job.is_terminal() {
            return false;
        }
        job.record.prompt = serde_json::to_value(&request.prompt).unwrap_or_default();
    }
    note(
        engine,
        &prompt_id,
        format!(
            "{} no longer had the shot's keyframe (its input folder was emptied, or it restarted \
             without it): Shotline uploaded it again.",
            server.display()
        ),
    );
    save_job_now(engine, &prompt_id).await;
    true
}

fn note(engine: &EngineRef, prompt_id: &str, notice: String) {
    if let Some(job) = engine.borrow().jobs.get(prompt_id) {
        job.view.update(|view| view.notices.push(notice));
    }
}
