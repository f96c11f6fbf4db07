//! Benchmark P5 (issues 6 and 10): one shot edit in a 200-shot project whose shots link
//! 200 stored 5 MB videos, then a reload of the data layer. Ignored by the test tier:
//! `cargo xtask bench` runs it with `--include-ignored` and reads the `BENCH` lines it logs.
//! Figures are reported, never asserted: timings belong to benchmarks, not tests.
#![cfg(target_arch = "wasm32")]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shotline::project::{ProjectData, SAVE_DEBOUNCE_MS};
use shotline::storage::Storage;
use shotline_model::project::{Action, ShotId};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SHOTS: usize = 200;
const VIDEOS: usize = 200;
const VIDEO_BYTES: usize = 5 * 1024 * 1024;
const VIDEO_MIME: &str = "video/mp4";
const REPETITIONS: usize = 7;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .expect("the test page has window.performance")
        .now()
}

/// A tab: its own reactive owner and its own connection, returned with the owner so the
/// caller decides when the tab is gone.
async fn open_tab(name: &str) -> (Owner, ProjectData) {
    let owner = Owner::new();
    owner.set();
    let data = ProjectData::new(Storage::open(name).await);
    data.restore().await.expect("restore opens or creates a project");
    (owner, data)
}

/// Flushes and checks a save happened, so the figures read next are this edit's. Edits
/// are flushed at once: a flush while the debounce timer's save is still writing is a
/// second writer on the same revision, which ends in a conflict and no more saves.
async fn flush_one_save(tab: &ProjectData) {
    let saves = tab.save_stats().get_untracked().saves;
    tab.flush().await.expect("saved");
    assert_eq!(tab.conflict().get_untracked(), None);
    assert_eq!(
        tab.save_stats().get_untracked().saves,
        saves + 1,
        "the flush saved"
    );
}

/// Base64 of 5 MB of xorshift noise: video does not compress, so neither may the
/// stand-in, or a store that compresses values would look faster than it is.
fn noise_base64() -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..VIDEO_BYTES)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    BASE64.encode(bytes)
}

/// Video `index`: the noise with its first 3 bytes replaced by the index, so each record
/// has its own sha-256 and the media store's dedupe keeps all of them.
fn video_data_url(noise: &str, index: usize) -> String {
    let [_, a, b, c] = u32::try_from(index).expect("few videos").to_be_bytes();
    format!(
        "data:{VIDEO_MIME};base64,{}{}",
        BASE64.encode([a, b, c]),
        &noise[4..]
    )
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p5_shot_edit_and_reload_with_200_shots_and_200_stored_videos() {
    let name = format!("shotline-bench-{}", uuid::Uuid::new_v4());
    let (mut owner, mut tab) = open_tab(&name).await;
    let mut retired = Vec::with_capacity(REPETITIONS);
    // A fresh database's first project may still be saving in the background; a flush
    // racing it is refused as a conflict, so let it settle first.
    TimeoutFuture::new(SAVE_DEBOUNCE_MS * 2).await;
    let scene = tab.with_project(|p| p.scenes[0].id.clone()).expect("open");
    let prompt = "Rain on neon signs; a vendor pulls a tarp over the fruit as steam rises. ".repeat(3);
    for at in 1..SHOTS {
        let shot = tab.add_shot(&scene, at).expect("added");
        tab.apply(Action::SetPrompt {
            shot,
            prompt: prompt.clone(),
        })
        .expect("applies");
    }
    let shots: Vec<ShotId> = tab
        .with_project(|p| p.scenes[0].shots.iter().map(|s| s.id.clone()).collect())
        .expect("open");
    assert_eq!(shots.len(), SHOTS);
    flush_one_save(&tab).await;

    let storage = Storage::open(&name).await.expect("opens");
    let project = tab.project_id().expect("open");
    let noise = noise_base64();
    let started = now_ms();
    for (index, shot) in shots.iter().enumerate().take(VIDEOS) {
        let media = storage
            .put_media(
                project.as_str(),
                VIDEO_MIME,
                &video_data_url(&noise, index),
                VIDEO_BYTES as u64,
            )
            .await
            .unwrap_or_else(|error| panic!("video {index} of {VIDEOS} was not stored: {error}"));
        tab.apply(Action::SetKeyframe {
            shot: shot.clone(),
            keyframe: Some(media),
        })
        .expect("applies");
    }
    flush_one_save(&tab).await;
    let stored = storage.media_ids().await.expect("lists").len();
    assert_eq!(stored, VIDEOS, "every video is its own record");
    console_log!(
        "BENCH p5_setup_videos {stored} count\nBENCH p5_setup_store_s {:.1} s",
        (now_ms() - started) / 1000.0
    );

    for round in 0..REPETITIONS {
        let shot = shots[(round * 37 + 150) % SHOTS].clone();
        let started = now_ms();
        tab.apply(Action::SetPrompt {
            shot: shot.clone(),
            prompt: format!("a lantern swings, take {round}"),
        })
        .expect("applies");
        flush_one_save(&tab).await;
        let total_ms = now_ms() - started;
        let stats = tab.save_stats().get_untracked();
        console_log!("BENCH p5_edit_bytes {} bytes", stats.last_save_bytes);
        console_log!("BENCH p5_edit_ms {:.1} ms", stats.last_save_duration_ms);
        console_log!("BENCH p5_edit_total_ms {total_ms:.1} ms");

        // A wasm-bindgen-test page cannot reload itself, so the old tab stays open, idle,
        // beside the new one. It is kept, not cleaned up: cleaning its owner up made a
        // later event touch its disposed signals (a panic), a page reload never does that.
        retired.push(owner);
        let started = now_ms();
        (owner, tab) = open_tab(&name).await;
        let readable = tab.with_project(|p| p.shot(&shot).map(|s| s.prompt.clone()));
        let reload_ms = now_ms() - started;
        assert_eq!(
            readable.flatten().as_deref(),
            Some(format!("a lantern swings, take {round}").as_str()),
            "the reload shows the edit"
        );
        console_log!("BENCH p5_reload_ms {reload_ms:.1} ms");
    }
}
