//! Benchmark P2 (issue 11): a 20 MB video from comfy-sim's `/view` into IndexedDB, through
//! the app's own code path (`fetch_as_data_url`, then `Storage::put_browser_media`, as the engine
//! does with every finished output) and through a plain-JS baseline in the same page
//! (tests/bench_media.js). Ignored by the test tier: `cargo xtask bench` runs it with
//! `--include-ignored` against a simulator and reads the `BENCH` lines it logs.
//! Figures are reported, never asserted; what is asserted is that both stored the video.
#![cfg(target_arch = "wasm32")]

mod support;

use shotline::comfy::ComfyClient;
use shotline::generation::fetch_as_data_url;
use shotline::storage::Storage;
use shotline_protocol::OutputFile;
use support::sim_url;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const VIDEO_BYTES: u32 = 20 * 1024 * 1024;
const REPETITIONS: usize = 5;
const PROJECT: &str = "bench-media-project";

#[wasm_bindgen(module = "/tests/bench_media.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn upload_noise(server: &str, name: &str, bytes: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn open_plain_db(name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn store_like_plain_js(db: &JsValue, url: &str) -> Result<JsValue, JsValue>;
    fn watch_long_tasks() -> JsValue;
    async fn longest_task_ms(watch: &JsValue) -> JsValue;
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .expect("the test page has window.performance")
        .now()
}

/// A fresh 20 MB file in the simulator's input folder, as `/view` serves it. Each run
/// gets its own, so neither the HTTP cache nor the media store's dedupe shortens it.
async fn uploaded_video(run: &str) -> OutputFile {
    let name = format!("bench-media-{run}-{}.mp4", uuid::Uuid::new_v4());
    let stored = upload_noise(sim_url().as_str(), &name, VIDEO_BYTES)
        .await
        .unwrap_or_else(|error| panic!("uploading {name}: {error:?}"));
    OutputFile {
        node_id: "bench".into(),
        filename: stored.as_string().expect("the stored name"),
        subfolder: String::new(),
        folder_type: "input".into(),
        format: None,
        animated: false,
    }
}

/// The longest main-thread task seen by `watch`; the browser must offer the API.
async fn longest_task(watch: &JsValue) -> f64 {
    let longest = longest_task_ms(watch).await.as_f64().unwrap_or(-1.0);
    assert!(longest >= 0.0, "this browser has no Long Tasks API");
    longest
}

/// The app's path, timed from the request to the committed transaction.
async fn shotline_run(client: &ComfyClient, storage: &Storage, run: usize) {
    let file = uploaded_video(&format!("shotline-{run}")).await;
    let mime = file.mime().expect("an .mp4 has a MIME type");
    let watch = watch_long_tasks();
    let started = now_ms();
    let fetched = fetch_as_data_url(client, &file, mime)
        .await
        .unwrap_or_else(|error| panic!("fetching {}: {error}", file.filename));
    // The engine keeps this copy for the views (`OutputMedia::data_url`).
    let shown = fetched.data_url();
    let id = storage
        .put_browser_media(PROJECT, &fetched)
        .await
        .unwrap_or_else(|error| panic!("storing {}: {error}", file.filename));
    let elapsed = now_ms() - started;
    let longest = longest_task(&watch).await;
    drop((fetched, shown));
    let stored = storage.get_media(&id).await.expect("reads").expect("stored");
    assert_eq!(stored.bytes, u64::from(VIDEO_BYTES), "the whole video is stored");
    console_log!("BENCH p2_shotline_media_ms {elapsed:.1} ms");
    console_log!("BENCH p2_shotline_media_longest_task_ms {longest:.1} ms");
}

/// The plain-JS baseline, timed the same way.
async fn plain_js_run(client: &ComfyClient, db: &JsValue, run: usize) {
    let file = uploaded_video(&format!("js-{run}")).await;
    let url = client.view_url(&file);
    let watch = watch_long_tasks();
    let started = now_ms();
    let stored = store_like_plain_js(db, &url)
        .await
        .unwrap_or_else(|error| panic!("the plain-JS store of {url}: {error:?}"));
    let elapsed = now_ms() - started;
    let longest = longest_task(&watch).await;
    assert_eq!(
        stored.as_f64(),
        Some(f64::from(VIDEO_BYTES)),
        "the whole video is stored"
    );
    console_log!("BENCH p2_js_media_ms {elapsed:.1} ms");
    console_log!("BENCH p2_js_media_longest_task_ms {longest:.1} ms");
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p2_a_20_mb_video_from_view_into_indexeddb() {
    let client = ComfyClient::new(sim_url());
    let name = format!("shotline-bench-media-{}", uuid::Uuid::new_v4());
    let storage = Storage::open(&name).await.expect("opens");
    let db = open_plain_db(&format!("{name}-plain-js"))
        .await
        .expect("the baseline's database opens");
    for run in 0..REPETITIONS {
        // Each goes first every other run, so neither always finds a fuller heap.
        if run % 2 == 0 {
            shotline_run(&client, &storage, run).await;
            plain_js_run(&client, &db, run).await;
        } else {
            plain_js_run(&client, &db, run).await;
            shotline_run(&client, &storage, run).await;
        }
    }
}
