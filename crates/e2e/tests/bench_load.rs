//! Benchmark P1 (issue 11): the first visit of an empty profile, Shotline's release build
//! beside ComfyUI's own frontend, both brotli-precompressed and served by one local static
//! server. Ignored by the test tier: `cargo xtask bench` runs it with `--ignored`, fetches
//! the ComfyUI frontend into SHOTLINE_BENCH_COMFYUI_STATIC and reads the `BENCH` lines.
//!
//! Time to interactive is taken in the page (Shotline: bench_reload/measure.js, as for
//! P5's first load; ComfyUI: bench_load/comfyui_ready.js, which says why it is a lower
//! bound); bytes are the compressed bodies of every response until the network is quiet.
//! Figures are reported, never asserted; what is asserted is that the page measured is
//! the one meant and that its responses did come compressed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use shotline_e2e::{Browser, StaticSite, env_path};

const LOADS: usize = 5;
/// The network counts as quiet after this long without a new response…
const QUIET_MS: u64 = 1_000;
/// …or, for a page that keeps polling, after this long in all.
const QUIET_CAP_MS: u64 = 15_000;
const SETTLE_TIMEOUT_MS: u64 = 60_000;
const SCRIPT_TIMEOUT_S: u64 = 120;
const BYTES_PER_KB: f64 = 1024.0;

const SHOTLINE_READY_JS: &str = include_str!("bench_reload/measure.js");
const COMFYUI_READY_JS: &str = include_str!("bench_load/comfyui_ready.js");
const COLLECT_JS: &str = include_str!("bench_reload/collect.js");
const TRANSFER_JS: &str = include_str!("bench_load/transfer.js");
/// The default buffer (250 entries) is smaller than ComfyUI's first load.
const KEEP_EVERY_ENTRY_JS: &str = "performance.setResourceTimingBufferSize(100000);";

/// What one first visit measured.
struct FirstLoad {
    interactive_ms: f64,
    encoded_bytes: f64,
}

/// Visits `site` `LOADS` times, each in a new browser (empty HTTP cache and storage),
/// with `ready_js` (run at document start) deciding when the page is interactive.
async fn first_loads(site: &StaticSite, ready_js: &str, label: &str) -> Result<()> {
    for _ in 0..LOADS {
        let load = first_load(site, ready_js).await?;
        println!("BENCH p1_{label}_first_load_ms {:.1} ms", load.interactive_ms);
        println!(
            "BENCH p1_{label}_first_load_kb {:.1} KB",
            load.encoded_bytes / BYTES_PER_KB
        );
    }
    Ok(())
}

async fn first_load(site: &StaticSite, ready_js: &str) -> Result<FirstLoad> {
    let browser = Browser::desktop().await?;
    let limit = Duration::from_secs(SCRIPT_TIMEOUT_S);
    browser.allow_slow_pages(limit, limit).await?;
    browser.run_at_every_document_start(KEEP_EVERY_ENTRY_JS).await?;
    browser.run_at_every_document_start(ready_js).await?;
    browser.client.goto(&site.url()).await?;
    let ready = browser
        .client
        .execute_async(COLLECT_JS, vec![json!(SETTLE_TIMEOUT_MS)])
        .await
        .context("reading the page's time to interactive")?;
    let Some(interactive_ms) = ready.get("interactive_ms").and_then(Value::as_f64) else {
        bail!("the page was not interactive within {SETTLE_TIMEOUT_MS} ms: {ready}");
    };
    let transfer = browser
        .client
        .execute_async(TRANSFER_JS, vec![json!(QUIET_MS), json!(QUIET_CAP_MS)])
        .await
        .context("reading the page's Resource Timing entries")?;
    let bytes = |field| transfer.get(field).and_then(Value::as_f64).unwrap_or_default();
    let (encoded, decoded) = (bytes("encoded_bytes"), bytes("decoded_bytes"));
    // Brotli shrinks JavaScript and wasm to well under half; far less means the server
    // sent them unpacked and the bytes would say nothing about compression.
    ensure!(
        encoded > 0.0 && encoded * 2.0 < decoded,
        "the responses did not come brotli-compressed ({encoded} bytes sent for {decoded}): {transfer}"
    );
    browser.close().await?;
    Ok(FirstLoad {
        interactive_ms,
        encoded_bytes: encoded,
    })
}

/// `x.br` beside the app's wasm: without it the server would send the build unpacked.
fn ensure_precompressed(dir: &Path) -> Result<()> {
    let wasm_br = std::fs::read_dir(dir)?
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().ends_with(".wasm.br"));
    ensure!(
        wasm_br,
        "{} has no .wasm.br: `cargo xtask bench` precompresses the build before this runs",
        dir.display()
    );
    Ok(())
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p1_first_load_of_shotline_served_with_brotli() -> Result<()> {
    let dist = env_path("SHOTLINE_E2E_DIST");
    ensure_precompressed(&dist)?;
    let site = StaticSite::precompressed(&dist).await?;
    // As P5's first load: until the new project's first shot card takes typing.
    let ready = format!(
        "({SHOTLINE_READY_JS})({});",
        json!({ "shots": 1, "keyframes": false })
    );
    first_loads(&site, &ready, "shotline").await
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p1_first_load_of_comfyui_frontend_served_with_brotli() -> Result<()> {
    let Some(dir) = std::env::var_os("SHOTLINE_BENCH_COMFYUI_STATIC").map(PathBuf::from) else {
        // `cargo xtask bench` says why in results.md; the other measures still count.
        println!("ComfyUI's frontend is unavailable: no baseline for P1");
        return Ok(());
    };
    let site = StaticSite::precompressed(&dir).await?;
    first_loads(&site, &format!("({COMFYUI_READY_JS})();"), "comfyui").await
}
