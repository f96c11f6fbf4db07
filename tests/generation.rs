//! The generation engine against comfy-sim: every job ends in a definite state, whatever
//! the server and the socket do. The simulator's fault switches stand in for real trouble.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos::prelude::*;
use shotline::comfy::{ComfyClient, ComfyError};
use shotline::generation::live_preview_count;
use shotline_protocol::job::{FailureKind, LostReason};
use shotline_protocol::{JobState, MediaKind};
use support::jobs::*;
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_image_workflow_ends_done_with_a_png_data_url() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
    let image = &done.outputs[0];
    assert_eq!((image.kind, image.mime), (MediaKind::Image, "image/png"));
    assert!(
        image.data_url.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "a real PNG"
    );
    assert!(image.file_name.starts_with("wasm_still_"));
}

#[wasm_bindgen_test]
async fn a_video_workflow_ends_done_with_an_mp4_data_url() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, short_video());
    let done = wait_for_done(&generation, &id).await;
    let video = done
        .outputs
        .iter()
        .find(|o| o.kind == MediaKind::Video)
        .expect("a video output");
    assert_eq!(video.mime, "video/mp4");
    assert!(video.data_url.starts_with("data:video/mp4;base64,"));
    assert!(video.data_url.len() > 200, "the video has content");
}

#[wasm_bindgen_test]
async fn an_execution_error_fails_naming_the_node_and_the_message() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, failing());
    let ended = wait_for_end(&generation, &id).await;
    let JobState::Failed {
        node,
        class,
        message,
        kind,
    } = ended.state
    else {
        panic!("expected Failed, got {:?}", ended.state);
    };
    assert_eq!(node.as_deref(), Some("2"));
    assert_eq!(class.as_deref(), Some("FailAlways"));
    assert!(
        message.contains("intentional failure for tracing"),
        "message: {message}"
    );
    assert_eq!(kind, FailureKind::Execution);
}

#[wasm_bindgen_test]
async fn a_validation_error_fails_naming_the_node() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, invalid());
    let ended = wait_for_end(&generation, &id).await;
    let JobState::Failed {
        node, message, kind, ..
    } = ended.state
    else {
        panic!("expected Failed, got {:?}", ended.state);
    };
    assert_eq!(kind, FailureKind::Validation);
    assert_eq!(node.as_deref(), Some("1"), "the EmptyImage with width -5");
    assert!(message.contains("width"), "message names the input: {message}");
}

#[wasm_bindgen_test]
async fn validation_errors_reach_the_client_per_node() {
    fresh_sim().await;
    let client = ComfyClient::new(sim_url());
    let request = shotline_protocol::http::PromptRequest {
        prompt: invalid(),
        client_id: "wasm-tests".into(),
        prompt_id: uuid::Uuid::new_v4().to_string(),
        extra_data: None,
        front: false,
    };
    let Err(ComfyError::Validation(rejected)) = client.submit(&request).await else {
        panic!("expected a validation error");
    };
    let node = rejected.node_errors.get("1").expect("node 1 has errors");
    assert_eq!(node.class_type, "EmptyImage");
    assert_eq!(node.errors[0].input_name(), Some("width"));
}

#[wasm_bindgen_test]
async fn queue_position_counts_down_three_two_one_then_running() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    // One at a time: concurrent POSTs may reach the server in any order.
    for _ in 0..3 {
        let blocker = submit(&generation, slow_image(4, 0.5));
        wait_for("the server to accept the prompt", || {
            (view(&generation, &blocker).state != JobState::Submitting).then_some(())
        })
        .await;
    }
    let target = submit(&generation, slow_image(1, 0.1));
    let mut positions: Vec<usize> = Vec::new();
    loop {
        let state = view(&generation, &target).state;
        match state {
            JobState::Queued { place: Some(place) } => {
                if positions.last() != Some(&place.position) {
                    positions.push(place.position);
                }
            }
            JobState::Running(_) | JobState::FetchingOutputs { .. } | JobState::Done { .. } => break,
            JobState::Queued { place: None } | JobState::Submitting => {}
            other => panic!("unexpected state {other:?}"),
        }
        sleep_ms(25).await;
    }
    assert_eq!(positions, vec![3, 2, 1], "positions seen while waiting");
    let done = wait_for_end(&generation, &target).await;
    assert!(matches!(done.state, JobState::Done { .. }));
}

#[wasm_bindgen_test]
async fn a_socket_dropped_mid_run_still_ends_done() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(6, 0.3));
    wait_until_running(&generation, &id).await;
    set_faults(serde_json::json!({"drop_ws": true})).await;
    let done = wait_for_done(&generation, &id).await;
    assert_eq!(done.outputs.len(), 1);
}

#[wasm_bindgen_test]
async fn a_silently_stalled_socket_still_ends_done_through_http() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(4, 0.25));
    wait_until_running(&generation, &id).await;
    // The socket stays open but says nothing for longer than this test may wait: Done can
    // only come from the reconciler's HTTP polls.
    set_faults(serde_json::json!({"stall_ws_ms": 120_000})).await;
    wait_for_done(&generation, &id).await;
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn delayed_history_still_ends_done() {
    fresh_sim().await;
    set_faults(serde_json::json!({"history_delay_ms": 2_000})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    wait_for_done(&generation, &id).await;
}

#[wasm_bindgen_test]
async fn a_server_restart_mid_run_ends_lost() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(10, 0.3));
    wait_until_running(&generation, &id).await;
    set_faults(serde_json::json!({"restart": true, "restart_ms": 1_000})).await;
    let ended = wait_for_end(&generation, &id).await;
    assert_eq!(
        ended.state,
        JobState::Lost {
            reason: LostReason::ServerRestarted
        }
    );
    // Resubmit after the restart finishes the shot.
    let again = generation.resubmit(&id).expect("a lost job can be resubmitted");
    let done = wait_for_end(&generation, &again).await;
    assert!(
        matches!(done.state, JobState::Done { .. }),
        "resubmitted job ended {:?}",
        done.state
    );
    assert_eq!(done.attempt, 2);
}

#[wasm_bindgen_test]
async fn cancelling_a_pending_job_removes_it_and_it_never_reaches_history() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let blocker = submit(&generation, slow_image(6, 0.3));
    wait_until_running(&generation, &blocker).await;
    let pending = submit(&generation, still_image());
    wait_for("the second job to queue", || {
        matches!(view(&generation, &pending).state, JobState::Queued { .. }).then_some(())
    })
    .await;
    generation.cancel(&pending);
    let ended = wait_for_end(&generation, &pending).await;
    assert_eq!(ended.state, JobState::Cancelled);
    let done = wait_for_end(&generation, &blocker).await;
    assert!(
        matches!(done.state, JobState::Done { .. }),
        "the other job is untouched"
    );
    let history = ComfyClient::new(sim_url()).history_entry(&pending).await.unwrap();
    assert!(history.is_none(), "a deleted prompt never reaches history");
}

#[wasm_bindgen_test]
async fn cancelling_a_running_job_interrupts_it() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(20, 0.3));
    wait_until_running(&generation, &id).await;
    generation.cancel(&id);
    let ended = wait_for_end(&generation, &id).await;
    assert_eq!(ended.state, JobState::Cancelled);
}

#[wasm_bindgen_test]
async fn a_500_on_submit_fails_with_the_status_shown() {
    fresh_sim().await;
    set_faults(serde_json::json!({"http": {"path": "/prompt", "status": 500, "times": 1}})).await;
    let (_owner, generation) = engine();
    let id = submit(&generation, still_image());
    let ended = wait_for_end(&generation, &id).await;
    let JobState::Failed { kind, message, .. } = ended.state else {
        panic!("expected Failed, got {:?}", ended.state);
    };
    assert_eq!(kind, FailureKind::SubmitRefused { status: 500 });
    assert!(message.contains("500"), "message: {message}");
}

#[wasm_bindgen_test]
async fn a_bare_403_is_reported_as_the_origin_check_with_the_command() {
    fresh_sim().await;
    set_faults(serde_json::json!({"http": {"path": "/system_stats", "status": 403, "times": 1}})).await;
    let error = ComfyClient::new(sim_url()).system_stats().await.expect_err("403");
    let ComfyError::OriginRejected {
        command, page_origin, ..
    } = error
    else {
        panic!("expected OriginRejected, got {error:?}");
    };
    assert_eq!(
        command,
        format!("python main.py --enable-cors-header {page_origin}")
    );
}

/// 0.3.64's unhandled 500s (and a proxy's 502s) carry no CORS headers, so the browser
/// hides them like an origin refusal; the server's readable `/system_stats` tells them
/// apart, and only a real refusal gets the `--enable-cors-header` advice.
#[wasm_bindgen_test]
async fn a_500_this_page_cannot_read_is_a_server_failure_not_the_origin_check() {
    fresh_sim().await;
    set_faults(serde_json::json!({"http": {"path": "/queue", "status": 500, "times": 1, "raised": true}}))
        .await;
    let error = ComfyClient::new(sim_url()).queue().await.expect_err("500");
    assert!(
        matches!(error, ComfyError::UnreadableFailure { .. }),
        "expected UnreadableFailure, got {error:?}"
    );
    assert!(error.is_transient(), "asked again, like any 500");
    let sentence = error.to_string();
    assert!(!sentence.contains("--enable-cors-header"), "{sentence}");
    assert!(sentence.contains("ComfyUI's console"), "{sentence}");
}

#[wasm_bindgen_test]
async fn five_hundred_finished_jobs_hold_no_previews() {
    fresh_sim().await;
    let (_owner, generation) = engine();
    const JOBS: usize = 500;
    const BATCH: usize = 25;
    let mut most_held = 0;
    for _ in 0..JOBS / BATCH {
        let ids: Vec<String> = (0..BATCH).map(|_| submit(&generation, previewing())).collect();
        for id in &ids {
            loop {
                // The simulator runs one prompt at a time: at most one preview may be held.
                most_held = most_held.max(live_preview_count());
                if view(&generation, id).is_finished() {
                    break;
                }
                sleep_ms(20).await;
            }
            assert!(matches!(view(&generation, id).state, JobState::Done { .. }));
        }
    }
    assert!(most_held <= 1, "held {most_held} previews at once");
    assert_eq!(live_preview_count(), 0, "finished jobs hold no preview");
    let finished = generation.job_ids().get_untracked().len();
    assert_eq!(finished, JOBS);
}

#[wasm_bindgen_test]
async fn the_pool_sees_a_servers_open_socket_and_jobs_in_flight_and_a_dead_one_as_down() {
    use shotline_model::pool::SocketState;
    use shotline_model::project::JobId;
    use shotline_model::server_url::ServerUrl;
    fresh_sim().await;
    let (_owner, generation) = engine();
    let id = submit(&generation, slow_image(6, 0.3));
    wait_until_running(&generation, &id).await;
    let load = generation.server_load(&sim_url());
    assert_eq!(load.socket, SocketState::Open);
    assert_eq!(
        load.unfinished,
        vec![JobId::new(id.clone())],
        "the running job counts"
    );
    assert!(load.answered_ms_ago.is_some_and(|ago| ago < 30_000.0));

    // Nothing listens there: its socket fails and the pool calls it down.
    let dead = ServerUrl::parse("http://127.0.0.1:65531").unwrap();
    wait_for("the dead server's socket to be down", || {
        (generation.server_load(&dead).socket == SocketState::Down).then_some(())
    })
    .await;
    assert_eq!(generation.server_load(&dead).answered_ms_ago, None);

    // Moved to a given server, the workflow runs there as a new job.
    generation.cancel(&id);
    wait_for_end(&generation, &id).await;
    let again = generation
        .resubmit_on(&id, Some(sim_url()))
        .expect("a cancelled job can be resubmitted on a given server");
    let done = wait_for_done(&generation, &again).await;
    assert_eq!(done.server, sim_url());
    assert_eq!(done.attempt, 2);
    assert!(generation.server_load(&sim_url()).unfinished.is_empty());
}
