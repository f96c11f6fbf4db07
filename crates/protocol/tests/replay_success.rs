//! Successful runs replayed from the recordings end Done with the files history listed.

mod support;

use shotline_protocol::job::RunProgress;
use shotline_protocol::{Effect, JobState, MediaKind};
use support::replay::Replay;
use support::{done_filenames, trace};

const A_FIRST: &str = "79cba685-e139-4dcb-86f8-452f71e5e3b4";
const A_CACHED: &str = "f4634426-4fec-49d7-9750-97fbfc70e388";
const A_SERVER_MADE_ID: &str = "30495f82-c535-415c-ab7e-6e91bb21d206";

fn running_states<'a>(replay: &'a Replay, prompt_id: &str) -> Vec<&'a RunProgress> {
    replay
        .states_of(prompt_id)
        .iter()
        .filter_map(|state| match state {
            JobState::Running(progress) => Some(progress),
            _ => None,
        })
        .collect()
}

#[test]
fn image_prompt_goes_through_queue_and_run_and_ends_done_with_the_saved_png() {
    let mut replay = Replay::run(&trace("a_success_image.json"));
    replay.fetch_all_outputs();
    let states = replay.states_of(A_FIRST);
    assert_eq!(states[0], JobState::Submitting);
    assert_eq!(states[1], JobState::Queued { place: None });
    assert!(matches!(states[2], JobState::Running(_)));
    assert_eq!(done_filenames(replay.state(A_FIRST)), ["trace_a_00003_.png"]);
    let JobState::Done { outputs, .. } = replay.state(A_FIRST) else {
        unreachable!()
    };
    assert_eq!(outputs[0].node_id, "2");
    assert_eq!(outputs[0].kind(), Some(MediaKind::Image));
    assert_eq!(outputs[0].mime(), Some("image/png"));
    // execution_success and executing null both end the run: history is asked for once.
    let asked: Vec<_> = replay
        .effects_of(A_FIRST)
        .iter()
        .filter(|e| **e == Effect::FetchHistory)
        .collect();
    assert_eq!(asked.len(), 1);
}

#[test]
fn fully_cached_rerun_counts_cached_nodes_as_done_and_reuses_the_old_file() {
    let mut replay = Replay::run(&trace("a_success_image.json"));
    let running = running_states(&replay, A_CACHED);
    let last = running.last().expect("the cached rerun was shown running");
    assert_eq!((last.nodes_done, last.nodes_total), (2, 2));
    assert_eq!(
        last.overall_pct, 99,
        "all nodes cached, but the job is not Done yet"
    );
    replay.fetch_all_outputs();
    assert_eq!(done_filenames(replay.state(A_CACHED)), ["trace_a_00003_.png"]);
}

#[test]
fn prompt_with_a_server_made_id_is_followed_once_the_answer_names_it() {
    let replay = Replay::run(&trace("a_success_image.json"));
    assert_eq!(
        replay.state(A_SERVER_MADE_ID),
        &JobState::FetchingOutputs { outputs: None }
    );
}

#[test]
fn run_that_finishes_before_the_http_answer_is_not_sent_back_to_the_queue() {
    // Trace c, case 6: the whole run, up to executing null, beat the 200.
    let replay = Replay::run(&trace("c_validation_error.json"));
    let id = "9a68f777-5f72-475a-b605-0b78770949eb";
    let states = replay.states_of(id);
    assert!(matches!(states[1], JobState::Running(_)), "{states:?}");
    assert!(
        !states.iter().any(|s| matches!(s, JobState::Queued { .. })),
        "{states:?}"
    );
    assert_eq!(replay.state(id), &JobState::FetchingOutputs { outputs: None });
}

#[test]
fn reused_prompt_id_follows_the_second_run_to_its_own_file() {
    let mut replay = Replay::run(&trace("c_validation_error.json"));
    replay.fetch_all_outputs();
    assert_eq!(
        done_filenames(replay.state("not-a-uuid_12345")),
        ["trace_c_00005_.png"]
    );
}

#[test]
fn step_progress_shows_node_title_steps_rising_percent_and_eta_from_the_step_pace() {
    let id = "9fc68f20-c02d-4ca1-900f-16c932e62a34";
    let mut replay = Replay::run(&trace("g_progress.json"));
    let running = running_states(&replay, id);
    let mut counter_steps: Vec<u64> = running
        .iter()
        .filter(|p| p.node.as_deref() == Some("2") && p.max == Some(10))
        .filter_map(|p| p.step)
        .collect();
    counter_steps.dedup();
    assert_eq!(counter_steps, (1..=10).collect::<Vec<_>>());
    let percents: Vec<u8> = running.iter().map(|p| p.overall_pct).collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
    let step_2 = running
        .iter()
        .find(|p| p.node.as_deref() == Some("2") && p.step == Some(2))
        .unwrap();
    assert_eq!(step_2.node_title.as_deref(), Some("SlowCounter"));
    // Steps came every ~200 ms (207.7, 408.4): 8 steps left ≈ 1.6 s.
    let eta = step_2.eta_ms.expect("an ETA after two steps");
    assert!((1500..=1700).contains(&eta), "eta {eta} ms");
    // Node 1 done and node 2 at 2/10 of 3 nodes.
    assert_eq!(step_2.overall_pct, 40);
    replay.fetch_all_outputs();
    assert_eq!(done_filenames(replay.state(id)), ["trace_g_00002_.png"]);
}

#[test]
fn animated_and_video_outputs_are_classified_by_extension_not_by_the_images_key() {
    let id = "74d3eccc-7834-41b5-9486-a2198abdeda9";
    let mut replay = Replay::run(&trace("h_animated.json"));
    replay.fetch_all_outputs();
    let JobState::Done { outputs, .. } = replay.state(id) else {
        panic!("h did not end Done: {:?}", replay.state(id));
    };
    let by_name = |name: &str| outputs.iter().find(|f| f.filename == name).unwrap();
    let webp = by_name("trace_h_webp_00002_.webp");
    assert_eq!(
        (webp.kind(), webp.mime()),
        (Some(MediaKind::AnimatedImage), Some("image/webp"))
    );
    let apng = by_name("trace_h_apng_00002_.png");
    assert_eq!(
        (apng.kind(), apng.mime()),
        (Some(MediaKind::AnimatedImage), Some("image/png"))
    );
    let video = by_name("trace_h_video_00002_.mp4");
    assert_eq!(
        (video.kind(), video.mime()),
        (Some(MediaKind::Video), Some("video/mp4"))
    );
    assert_eq!(video.subfolder, "video");
    let batch: Vec<_> = outputs.iter().filter(|f| f.node_id == "7").collect();
    assert_eq!(batch.len(), 4);
    assert!(batch.iter().all(|f| f.kind() == Some(MediaKind::Image)));
    let previews: Vec<_> = outputs.iter().filter(|f| f.node_id == "6").collect();
    assert_eq!(previews.len(), 4);
    assert!(previews.iter().all(|f| f.folder_type == "temp"));
    assert_eq!(outputs.len(), 11);
}

#[test]
fn websocket_only_outputs_leave_the_job_waiting_for_history_after_the_run() {
    // SaveImageWebsocket sends its PNG as a preview frame and writes no file (trace j).
    let replay = Replay::run(&trace("j_previews.json"));
    for id in [
        "c1b32289-b49a-481a-877d-eb0132d4ac43",
        "2b388b85-8604-4c23-ba6f-07918ccfe8b6",
    ] {
        assert_eq!(
            replay.state(id),
            &JobState::FetchingOutputs { outputs: None },
            "{id}"
        );
        assert_eq!(replay.effects_of(id), [Effect::FetchHistory]);
    }
}
