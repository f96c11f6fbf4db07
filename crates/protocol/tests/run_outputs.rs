//! What a finished run made, as a person sees it: audio is fetched to be played, texts
//! and 3D models are counted and named, and a run without outputs still ends Done.

mod support;

use serde_json::json;
use shotline_protocol::http::HistoryEntry;
use shotline_protocol::job::FailureKind;
use shotline_protocol::{Effect, JobEvent, JobState, Media, MediaKind, apply};
use support::jobs::{ID, history, running_job};

fn success_with(outputs: serde_json::Value) -> HistoryEntry {
    history(
        "success",
        json!([["execution_success", {"prompt_id": ID}]]),
        outputs,
    )
}

/// Runs a job to its end on `entry`, fetching whatever it asks for.
fn finish(entry: &HistoryEntry) -> (JobState, Effect) {
    let mut job = running_job();
    let effect = apply(&mut job, JobEvent::History(Some(entry)), 0);
    apply(&mut job, JobEvent::OutputsFetched, 0);
    (job.state().clone(), effect)
}

#[test]
fn save_audio_output_is_fetched_as_playable_audio() {
    let entry = success_with(json!({"9": {"audio": [
        {"filename": "ComfyUI_00001_.flac", "subfolder": "audio", "type": "output"}
    ]}}));
    let (state, effect) = finish(&entry);
    let Effect::FetchOutputs(files) = effect else {
        panic!("audio must be fetched, got {effect:?}");
    };
    assert_eq!(
        files[0].media(),
        Some(Media {
            kind: MediaKind::Audio,
            mime: "audio/flac"
        })
    );
    assert_eq!(files[0].subfolder, "audio");
    assert!(matches!(&state, JobState::Done { outputs, .. } if outputs.len() == 1));
    assert_eq!(state.outputs_note(), None, "everything is shown");
}

#[test]
fn mp3_opus_and_wav_audio_get_browser_playable_types() {
    let entry = success_with(json!({
        "1": {"audio": [{"filename": "a.mp3", "type": "output"}]},
        "2": {"audio": [{"filename": "b.opus", "type": "output"}]},
        "3": {"audio": [{"filename": "c.wav", "type": "temp"}]}
    }));
    let mimes: Vec<_> = entry.output_files().iter().map(|f| f.mime()).collect();
    assert_eq!(mimes, [Some("audio/mpeg"), Some("audio/ogg"), Some("audio/wav")]);
}

#[test]
fn text_only_run_ends_done_saying_one_text_output_is_not_shown() {
    // PreviewAny: {"ui": {"text": (value,)}}.
    let entry = success_with(json!({"4": {"text": ["a cat on a mat"]}}));
    let (state, effect) = finish(&entry);
    assert_eq!(effect, Effect::None, "nothing to fetch");
    assert!(matches!(&state, JobState::Done { outputs, .. } if outputs.is_empty()));
    assert_eq!(state.outputs_note().as_deref(), Some("1 text output, not shown"));
}

#[test]
fn image_with_texts_is_shown_and_the_texts_are_counted() {
    let entry = success_with(json!({
        "3": {"images": [{"filename": "out.png", "subfolder": "", "type": "output"}]},
        "5": {"text": "a bare string from a custom node"},
        "6": {"text": ["one", "two"]}
    }));
    let (state, _) = finish(&entry);
    assert!(matches!(&state, JobState::Done { outputs, .. } if outputs[0].filename == "out.png"));
    assert_eq!(state.outputs_note().as_deref(), Some("3 text outputs, not shown"));
}

#[test]
fn save_glb_and_preview_3d_are_named_as_3d_models() {
    let entry = success_with(json!({
        "7": {"3d": [{"filename": "mesh_00001_.glb", "subfolder": "3d", "type": "output"}]},
        "8": {"result": ["3d/scan.obj", {"position": [0, 0, 1]}]},
        "9": {"text": ["done"]}
    }));
    let (state, _) = finish(&entry);
    assert_eq!(
        state.outputs_note().as_deref(),
        Some("2 3D models (mesh_00001_.glb, scan.obj) and 1 text output, not shown")
    );
}

#[test]
fn files_of_no_playable_type_are_named_not_fetched() {
    let entry = success_with(json!({"3": {"images": [
        {"filename": "model.safetensors", "type": "output"},
        {"filename": "out.png", "type": "output"}
    ]}}));
    let (state, effect) = finish(&entry);
    let Effect::FetchOutputs(files) = effect else {
        panic!("the png is fetched, got {effect:?}");
    };
    assert_eq!(files.len(), 1);
    assert_eq!(
        state.outputs_note().as_deref(),
        Some("1 other file (model.safetensors), not shown")
    );
}

#[test]
fn history_entry_without_outputs_parses_and_ends_done_with_no_outputs() {
    for outputs in [None, Some(json!(null)), Some(json!({}))] {
        let mut body = json!({
            "prompt": [1, ID, {}, {"client_id": "me"}, ["3"]],
            "status": {"status_str": "success", "completed": true, "messages": []}
        });
        if let Some(outputs) = outputs.clone() {
            body["outputs"] = outputs;
        }
        let entry: HistoryEntry = serde_json::from_value(body).unwrap_or_else(|e| panic!("{outputs:?}: {e}"));
        let (state, effect) = finish(&entry);
        assert_eq!(effect, Effect::None, "{outputs:?}");
        assert_eq!(
            state.outputs_note().as_deref(),
            Some("no outputs: ComfyUI kept no files or texts for this run"),
            "{outputs:?}"
        );
    }
}

#[test]
fn errored_entry_without_outputs_still_fails() {
    let entry: HistoryEntry = serde_json::from_value(json!({
        "prompt": [1, ID, {}, {}, ["3"]],
        "status": {"status_str": "error", "completed": false, "messages": []}
    }))
    .unwrap();
    let (state, _) = finish(&entry);
    assert!(
        matches!(
            state,
            JobState::Failed {
                kind: FailureKind::Execution,
                ..
            }
        ),
        "{state:?}"
    );
}

#[test]
fn done_states_saved_before_not_shown_existed_still_read() {
    let state: JobState = serde_json::from_value(json!({"Done": {"outputs": []}})).unwrap();
    assert_eq!(
        state.outputs_note().as_deref(),
        Some("no outputs: ComfyUI kept no files or texts for this run")
    );
}

#[test]
fn every_stored_media_type_maps_back_to_its_kind() {
    let cases = [
        ("image/png", MediaKind::Image),
        ("image/gif", MediaKind::AnimatedImage),
        ("video/mp4", MediaKind::Video),
        ("audio/flac", MediaKind::Audio),
        ("audio/ogg", MediaKind::Audio),
    ];
    for (mime, kind) in cases {
        assert_eq!(Media::from_mime(mime), Some(Media { kind, mime }), "{mime}");
    }
    assert_eq!(Media::from_mime("text/html"), None);
}
