//! Benchmark P5 (issues 6 and 10) at page level: the release build in headless Chromium,
//! reloaded with a 200-shot project whose shots link 200 stored 5 MB videos, and the
//! first visit of an empty profile. Ignored by the test tier: `cargo xtask bench` runs it
//! with `--ignored` and reads the `BENCH name value unit` lines it prints.
//!
//! Times are taken in the page (bench_reload/measure.js, installed before the app's own
//! scripts): milliseconds from the navigation's start to the moment the storyboard is
//! shown with every shot card and an editable prompt, and the frame showing it has been
//! produced; and to the moment every card on screen shows its keyframe. Figures are
//! reported, never asserted; what is asserted is that the page measured is the one meant
//! (every shot card, the stored keyframes, the prompts, a field that takes text).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use serde_json::{Value, json};
use shotline_e2e::{Browser, Sim, StaticSite};

const SHOTS: usize = 200;
const VIDEO_BYTES: usize = 5 * 1024 * 1024;
/// Videos stored per script call: a call stays well inside the script timeout, and the
/// page never holds more than one video's bytes at a time.
const VIDEOS_PER_CALL: usize = 20;
const RELOADS: usize = 7;
const FIRST_LOADS: usize = 5;
const PROMPT: &str = "Rain on neon signs; a vendor pulls a tarp over the fruit as steam rises";
/// Longer than a 2-core machine takes to read 1 GB of data URLs back; a run that settles
/// never waits for it.
const SETTLE_TIMEOUT_MS: u64 = 240_000;
/// WebDriver's limits for one script call and one navigation, above [`SETTLE_TIMEOUT_MS`].
const SCRIPT_TIMEOUT_S: u64 = 600;
const PAGE_LOAD_TIMEOUT_S: u64 = 300;

const MEASURE_JS: &str = include_str!("bench_reload/measure.js");
const COLLECT_JS: &str = include_str!("bench_reload/collect.js");
const SEED_JS: &str = include_str!("bench_reload/seed.js");

/// What measure.js saw in one page load, in ms since its navigation started.
struct PageLoad {
    /// The first cards shown with an editable prompt, the frame showing them produced.
    first_screen_ms: f64,
    /// Every shot card and an editable prompt in the DOM, before the frame showing them.
    dom_ms: f64,
    interactive_ms: f64,
    keyframes_ms: f64,
    longest_task_ms: f64,
}

/// The prompt bench_reload/seed.js gives shot `n`.
fn shot_prompt(n: usize) -> String {
    format!("{PROMPT} (shot {n})")
}

/// WebDriver's limits, raised for seeding calls and a page that reads 1 GB as it loads.
async fn allow_slow_pages(browser: &Browser) -> Result<()> {
    browser
        .allow_slow_pages(
            Duration::from_secs(SCRIPT_TIMEOUT_S),
            Duration::from_secs(PAGE_LOAD_TIMEOUT_S),
        )
        .await
}

/// Makes every page this tab loads from now on measure itself: until `shots` shot cards
/// are shown and, with `keyframes`, until every card on screen shows its keyframe.
async fn measure_every_page(browser: &Browser, shots: usize, keyframes: bool) -> Result<()> {
    let expected = json!({ "shots": shots, "keyframes": keyframes });
    browser
        .run_at_every_document_start(&format!("({MEASURE_JS})({expected});"))
        .await
}

/// Waits for the page to settle and checks it shows what was stored: exactly `shots`
/// cards, and with `keyframes` a keyframe on every card on screen (the app reads the
/// others' only as they come near the screen).
async fn settled_page(browser: &Browser, shots: usize, keyframes: bool) -> Result<PageLoad> {
    let seen = browser
        .client
        .execute_async(COLLECT_JS, vec![json!(SETTLE_TIMEOUT_MS)])
        .await
        .context("reading the page's measurements")?;
    if let Some(error) = seen.get("error") {
        bail!("{error}");
    }
    let count = |field| seen.get(field).and_then(Value::as_u64).unwrap_or_default();
    let drift = "has the app's storage format or markup changed?";
    ensure!(
        count("cards") == shots as u64,
        "the page shows {} shot cards where {shots} were stored: {drift} (seen: {seen})",
        count("cards"),
    );
    if keyframes {
        let (on_screen, with_keyframe) = (count("on_screen"), count("on_screen_keyframes"));
        ensure!(
            on_screen > 0,
            "no shot card is on screen in the first frame of the storyboard, so no keyframe \
             can be timed: has the page's layout changed? (seen: {seen})"
        );
        ensure!(
            with_keyframe == on_screen,
            "{with_keyframe} of the {on_screen} shot cards on screen show their stored \
             keyframe: {drift} (seen: {seen})",
        );
    }
    let time = |field| seen.get(field).and_then(Value::as_f64);
    let (
        Some(first_screen_ms),
        Some(dom_ms),
        Some(interactive_ms),
        Some(keyframes_ms),
        Some(longest_task_ms),
    ) = (
        time("first_screen_ms"),
        time("dom_ms"),
        time("interactive_ms"),
        time("media_ms"),
        time("longest_task_ms"),
    )
    else {
        bail!("the page did not settle within {SETTLE_TIMEOUT_MS} ms: {seen}");
    };
    Ok(PageLoad {
        first_screen_ms,
        dom_ms,
        interactive_ms,
        keyframes_ms,
        longest_task_ms,
    })
}

/// Runs one step of bench_reload/seed.js in the page and returns its answer.
async fn seed(browser: &Browser, step: &str, args: Value) -> Result<Value> {
    let mut answer = browser
        .client
        .execute_async(SEED_JS, vec![json!(step), args])
        .await
        .with_context(|| format!("seeding step {step}"))?;
    if let Some(error) = answer.get("error") {
        bail!("seeding step {step} failed: {error}");
    }
    Ok(answer["ok"].take())
}

/// Stores the P5 project through the page the first visit opened: the app made the
/// project, the script grows it to [`SHOTS`] shots and gives each shot a stored video.
async fn seed_project_with_videos(browser: &Browser) -> Result<()> {
    let seeded = seed(browser, "project", json!({ "shots": SHOTS, "prompt": PROMPT })).await?;
    let project_id = seeded["project_id"].as_str().context("no project id")?;
    let shot_ids = seeded["shot_ids"].as_array().context("no shot ids")?;
    ensure!(shot_ids.len() == SHOTS, "seeded {} shots", shot_ids.len());
    let started = Instant::now();
    for batch in shot_ids.chunks(VIDEOS_PER_CALL) {
        let args = json!({ "project_id": project_id, "shot_ids": batch, "bytes": VIDEO_BYTES });
        seed(browser, "videos", args).await?;
    }
    println!(
        "BENCH p5_page_setup_store_s {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p5_cold_reload_of_200_shots_with_200_stored_videos() -> Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    allow_slow_pages(&browser).await?;
    browser.client.goto(&site.url()).await?;
    // Connected to a ComfyUI as on any working day, so each reload reconnects too.
    browser.connect(&sim.url()).await?;
    // A storyboard in use has a workflow; without one the welcome text stands above the
    // cards and pushes them off the screen.
    browser.add_bundled_workflow("sim_still", "Blank still").await?;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    seed_project_with_videos(&browser).await?;

    measure_every_page(&browser, SHOTS, true).await?;
    for _ in 0..RELOADS {
        browser.client.refresh().await?;
        let load = settled_page(&browser, SHOTS, true).await?;
        println!("BENCH p5_page_reload_ms {:.1} ms", load.interactive_ms);
        println!(
            "BENCH p5_page_reload_first_screen_ms {:.1} ms",
            load.first_screen_ms
        );
        println!("BENCH p5_page_reload_dom_ms {:.1} ms", load.dom_ms);
        println!("BENCH p5_page_reload_media_ms {:.1} ms", load.keyframes_ms);
        println!(
            "BENCH p5_page_reload_longest_task_ms {:.1} ms",
            load.longest_task_ms
        );
    }

    // The reloaded page answers a person: the last shot holds its prompt and takes
    // typing, and once it is on screen its keyframe is read too.
    let last_card = format!("[role=group][aria-label='Shot {SHOTS}']");
    let last_prompt = format!("{last_card} textarea");
    let field = browser.wait_for_element(Locator::Css(&last_prompt)).await?;
    assert_eq!(
        field.prop("value").await?.as_deref(),
        Some(shot_prompt(SHOTS).as_str())
    );
    field.send_keys(", at dawn").await?;
    browser
        .wait_for_value(&last_prompt, |value| value.ends_with("at dawn"))
        .await?;
    browser
        .wait_for_element(Locator::Css(&format!("{last_card} img.keyframe-image")))
        .await?;
    browser.screenshot("bench-reload-200-shots").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p5_first_load_of_an_empty_profile() -> Result<()> {
    let site = StaticSite::start().await?;
    for _ in 0..FIRST_LOADS {
        // A new browser each time: empty HTTP cache, no database, nothing compiled.
        let browser = Browser::desktop().await?;
        allow_slow_pages(&browser).await?;
        measure_every_page(&browser, 1, false).await?;
        browser.client.goto(&site.url()).await?;
        let load = settled_page(&browser, 1, false).await?;
        println!("BENCH p5_page_first_load_ms {:.1} ms", load.interactive_ms);
        browser.close().await?;
    }
    Ok(())
}
