//! Benchmarks P4 (event load), P6 (a 1,000-shot storyboard) and the server pool's
//! speed-up (issues 8 and 10), at page level: the release build in headless Chromium
//! against comfy-sim. Ignored by the test tier: `cargo xtask bench` runs them with
//! `--ignored` and reads the `BENCH name value unit` lines they print.
//!
//! Projects are seeded in the app's IndexedDB by bench_reload/seed.js. bench_scale/watch.js,
//! installed before the app's own scripts, counts socket messages, frame times and long
//! tasks in the page; bench_scale/generate_all.js clicks Generate all and times it to the
//! last card showing Done. Figures are reported, never asserted; what is asserted is that
//! the page measured is the one meant (every shot card shown, every shot Done).
//!
//! P4 and the pool run every repetition in one page, one app load: each run is another
//! Generate all of the same storyboard, so its takes pile up in the page as they do for a
//! person rendering all evening. Each reports its first and its last run and their ratio:
//! the app holds its figures when the last run is as fast as the first.

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use fantoccini::wd::TimeoutConfiguration;
use serde_json::{Value, json};
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

const SEED_JS: &str = include_str!("bench_reload/seed.js");
const MEASURE_JS: &str = include_str!("bench_reload/measure.js");
const COLLECT_JS: &str = include_str!("bench_reload/collect.js");
const WATCH_JS: &str = include_str!("bench_scale/watch.js");
const GENERATE_ALL_JS: &str = include_str!("bench_scale/generate_all.js");
const SCROLL_JS: &str = include_str!("bench_scale/scroll.js");

/// The region Generate all fills; its summary says when a run has ended.
const QUEUE: &str = "[role=region][aria-label='Render queue']";
const PROMPT: &str = "Rain on neon signs; a vendor pulls a tarp over the fruit as steam rises";
/// WebDriver's limit for one script call, above the waits the scripts set themselves.
const SCRIPT_TIMEOUT_S: u64 = 900;
/// Longer than any run takes on a loaded 2-core machine; a run that ends never waits it.
const RUN_TIMEOUT_MS: u64 = 600_000;

/// P4: 100 shots through Generate all on one simulator whose sampler steps take 1 ms.
/// Each of the workflow's 20 steps sends three messages (progress_state, progress, a
/// preview frame) and takes the simulator about 3 ms, so while a job samples the server
/// offers about 1,000 messages a second; the page takes what it can (the rate reported is
/// the rate it received). Five runs in one page: 500 takes by the last.
const EVENT_SHOTS: usize = 100;
const EVENT_STEP_MS: &str = "1";
const EVENT_RUNS: usize = 5;

/// P6: 1,000 shots, reloaded, each reload followed by a fifth of the storyboard scrolled:
/// five reloads scroll it all once, at the speed of a brisk fling.
const STORYBOARD_SHOTS: usize = 1000;
const STORYBOARD_RELOADS: usize = 5;
const SCROLL_PX_PER_FRAME: f64 = 100.0;

/// Pool: 30 shots on one server and on three, with 25 ms steps: a shot takes about
/// 0.5 s of server time, so the servers' work dominates the run. Five pairs of runs in
/// one page: 300 takes by the last.
const POOL_SHOTS: usize = 30;
const POOL_SERVERS: usize = 3;
const POOL_STEP_MS: &str = "25";
const POOL_PAIRS: usize = 5;

/// A seeded project open in the page, its servers running.
struct Bench {
    browser: Browser,
    sims: Vec<Sim>,
    _site: StaticSite,
}

impl Bench {
    /// Starts `servers` simulators and the app, connects it to the first, adds the bundled
    /// text-to-image workflow (20 sampler steps) and grows the project to `shots` shots.
    /// Every page loaded from then on runs watch.js; the caller reloads to see the project.
    async fn seeded(servers: usize, step_ms: &str, shots: usize) -> Result<Self> {
        let flags = ["--enable-cors-header", "--fake-models", "--step-ms", step_ms];
        let mut sims = Vec::new();
        for _ in 0..servers {
            sims.push(Sim::start(&flags).await?);
        }
        let site = StaticSite::start().await?;
        let browser = Browser::desktop().await?;
        browser
            .client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(SCRIPT_TIMEOUT_S)),
                None,
                Some(Duration::ZERO),
            ))
            .await?;
        browser.client.goto(&site.url()).await?;
        browser.connect(&sims[0].url()).await?;
        browser
            .add_bundled_workflow("txt2img_sd", "Text to image")
            .await?;
        browser
            .wait_for_text(".save-state", |t| t == "All changes saved")
            .await?;
        seed_shots(&browser, shots).await?;
        browser.run_at_every_document_start(WATCH_JS).await?;
        Ok(Self {
            browser,
            sims,
            _site: site,
        })
    }

    /// Reloads and waits for the last seeded shot's card.
    async fn reload(&self, shots: usize) -> Result<()> {
        self.browser.client.refresh().await?;
        self.browser
            .wait_for_element(Locator::Css(&shot_card(shots)))
            .await?;
        Ok(())
    }

    /// Lists every simulator in the Servers panel: a pool of all of them.
    async fn add_all_servers(&self) -> Result<()> {
        self.browser
            .wait_for_element(Locator::Css(".servers-panel > summary"))
            .await?
            .click()
            .await?;
        for sim in &self.sims {
            self.browser.add_server(&sim.url()).await?;
        }
        self.expect_servers(self.sims.len()).await
    }

    /// Enables or disables every listed server but the first, the active one.
    async fn share_with_others(&self, enabled: bool) -> Result<()> {
        for sim in &self.sims[1..] {
            let checkbox = format!(
                ".servers-panel [role=group][aria-label='Server {}'] input[type=checkbox]",
                sim.url()
            );
            let checkbox = self.browser.wait_for_element(Locator::Css(&checkbox)).await?;
            if checkbox.prop("checked").await?.as_deref() != Some(&enabled.to_string()) {
                checkbox.click().await?;
            }
        }
        self.expect_servers(if enabled { self.sims.len() } else { 1 })
            .await
    }

    /// Waits for the Servers panel to say Generate uses `count` servers.
    async fn expect_servers(&self, count: usize) -> Result<()> {
        self.browser
            .wait_for_text(".servers-active > p:first-child", |text| {
                if count == 1 {
                    text.starts_with("Generate sends to")
                } else {
                    text.contains(&format!("{count} enabled servers"))
                }
            })
            .await?;
        Ok(())
    }

    async fn stop(self) -> Result<()> {
        self.browser.close().await?;
        for sim in self.sims {
            sim.stop().await;
        }
        Ok(())
    }
}

/// Grows the first visit's one-shot project to `shots` shots (bench_reload/seed.js).
async fn seed_shots(browser: &Browser, shots: usize) -> Result<()> {
    let args = json!({ "shots": shots, "prompt": PROMPT });
    let answer = browser
        .client
        .execute_async(SEED_JS, vec![json!("project"), args])
        .await
        .context("seeding the project")?;
    if let Some(error) = answer.get("error") {
        bail!("seeding the project failed: {error}");
    }
    let seeded = answer["ok"]["shot_ids"].as_array().map_or(0, Vec::len);
    ensure!(seeded == shots, "seeded {seeded} of {shots} shots");
    Ok(())
}

/// Runs a measuring script (execute_async) and refuses an answer that carries an error.
async fn measured(browser: &Browser, script: &str, args: Vec<Value>) -> Result<Value> {
    let answer = browser.client.execute_async(script, args).await?;
    match answer.get("error") {
        Some(error) if !error.is_null() => bail!("{error} (seen: {answer})"),
        _ => Ok(answer),
    }
}

fn field(answer: &Value, name: &str) -> Result<f64> {
    answer[name]
        .as_f64()
        .with_context(|| format!("no {name} in {answer}"))
}

/// Generate all over the project's `shots` shots, until each shows Done.
async fn generate_all(browser: &Browser, shots: usize) -> Result<Value> {
    let run = measured(
        browser,
        GENERATE_ALL_JS,
        vec![json!(shots), json!(RUN_TIMEOUT_MS)],
    )
    .await?;
    let done = field(&run, "done")?;
    ensure!(
        done == shots as f64,
        "{done} of {shots} shots ended Done: the benchmark measures only runs that succeed (seen: {run})"
    );
    Ok(run)
}

fn megabytes(bytes: f64) -> f64 {
    bytes / 1024.0 / 1024.0
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p4_generate_all_of_100_shots_under_a_stream_of_socket_messages() -> Result<()> {
    let bench = Bench::seeded(1, EVENT_STEP_MS, EVENT_SHOTS).await?;
    bench.reload(EVENT_SHOTS).await?;
    let browser = &bench.browser;
    let heap_before = browser.retained_heap_bytes().await?;
    println!("BENCH p4_heap_before_mb {:.1} MB", megabytes(heap_before));
    let mut run_s = Vec::new();
    for run in 1..=EVENT_RUNS {
        let seen = generate_all(browser, EVENT_SHOTS).await?;
        let heap_after = browser.retained_heap_bytes().await?;
        report_event_load(&seen, heap_after)?;
        run_s.push(field(&seen, "run_ms")? / 1000.0);
        println!(
            "P4 run {run} of {EVENT_RUNS}: {:.1} s, {} takes in the page",
            run_s[run - 1],
            run * EVENT_SHOTS
        );
        clear_finished_run(&bench, EVENT_SHOTS).await?;
    }
    report_first_and_last("p4_run", &run_s);
    browser.screenshot("bench-event-load-100-shots").await?;
    bench.stop().await
}

/// Waits for the render queue's summary of the run that ended and closes it, as a person
/// does before the next Generate all.
async fn clear_finished_run(bench: &Bench, shots: usize) -> Result<()> {
    let summary = bench
        .browser
        .wait_for_text(&format!("{QUEUE} .queue-summary p"), |t| {
            t.starts_with("Finished")
        })
        .await?;
    ensure!(
        summary == format!("Finished: {shots} done · 0 failed · 0 cancelled · 0 lost"),
        "the render queue ended the run with {summary:?}"
    );
    bench
        .browser
        .click_button_in(&format!("{QUEUE} .queue-summary"), "Clear")
        .await?;
    Ok(())
}

/// The first and the last of a series of runs in one page, and how much slower the last
/// was: 1.0 when the app holds its figures as takes pile up.
fn report_first_and_last(name: &str, seconds: &[f64]) {
    let (Some(first), Some(last)) = (seconds.first(), seconds.last()) else {
        return;
    };
    println!("BENCH {name}_first_s {first:.1} s");
    println!("BENCH {name}_last_s {last:.1} s");
    println!("BENCH {name}_last_to_first {:.2} x", last / first);
}

fn report_event_load(run: &Value, heap_after: f64) -> Result<()> {
    let messages = field(run, "messages")?;
    println!("BENCH p4_run_s {:.1} s", field(run, "run_ms")? / 1000.0);
    println!("BENCH p4_messages {messages} count");
    println!(
        "BENCH p4_messages_per_s {:.0} msg/s",
        messages / (field(run, "duration_ms")? / 1000.0)
    );
    println!(
        "BENCH p4_peak_messages_per_s {} msg/s",
        field(run, "peak_messages_per_s")?
    );
    println!(
        "BENCH p4_longest_task_ms {:.0} ms",
        field(run, "longest_task_ms")?
    );
    println!("BENCH p4_frame_p95_ms {:.1} ms", field(run, "frame_p95_ms")?);
    println!("BENCH p4_heap_after_mb {:.1} MB", megabytes(heap_after));
    Ok(())
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p6_reload_and_scroll_a_1000_shot_storyboard() -> Result<()> {
    let bench = Bench::seeded(1, "1", STORYBOARD_SHOTS).await?;
    let browser = &bench.browser;
    let expected = json!({ "shots": STORYBOARD_SHOTS, "keyframes": false });
    browser
        .run_at_every_document_start(&format!("({MEASURE_JS})({expected});"))
        .await?;
    for reload in 0..STORYBOARD_RELOADS {
        browser.client.refresh().await?;
        let load = measured(browser, COLLECT_JS, vec![json!(RUN_TIMEOUT_MS)]).await?;
        let cards = field(&load, "cards")?;
        ensure!(
            cards == STORYBOARD_SHOTS as f64,
            "the page shows {cards} shot cards where {STORYBOARD_SHOTS} were stored (seen: {load})"
        );
        println!("BENCH p6_ready_ms {:.0} ms", field(&load, "interactive_ms")?);
        println!(
            "BENCH p6_ready_longest_task_ms {:.0} ms",
            field(&load, "longest_task_ms")?
        );
        let from = reload as f64 / STORYBOARD_RELOADS as f64;
        let to = (reload + 1) as f64 / STORYBOARD_RELOADS as f64;
        let scroll = measured(
            browser,
            SCROLL_JS,
            vec![json!(from), json!(to), json!(SCROLL_PX_PER_FRAME)],
        )
        .await?;
        let frames = field(&scroll, "frames")?;
        ensure!(frames > 0.0, "no frame was produced while scrolling: {scroll}");
        println!(
            "BENCH p6_scroll_fps {:.1} fps",
            frames / (field(&scroll, "duration_ms")? / 1000.0)
        );
        for (name, measure) in [
            ("frame_p50_ms", "frame_p50_ms"),
            ("frame_p95_ms", "frame_p95_ms"),
            ("frame_max_ms", "frame_max_ms"),
            ("scroll_longest_task_ms", "longest_task_ms"),
        ] {
            println!("BENCH p6_{name} {:.1} ms", field(&scroll, measure)?);
        }
        println!("BENCH p6_scrolled_px {:.0} px", field(&scroll, "scrolled_px")?);
    }
    browser.screenshot("bench-1000-shots-scrolled").await?;
    bench.stop().await
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn pool_speed_up_of_a_30_shot_timeline_on_three_servers() -> Result<()> {
    let bench = Bench::seeded(POOL_SERVERS, POOL_STEP_MS, POOL_SHOTS).await?;
    bench.reload(POOL_SHOTS).await?;
    bench.add_all_servers().await?;
    let (mut ones, mut threes) = (Vec::new(), Vec::new());
    for pair in 1..=POOL_PAIRS {
        let one = pool_run(&bench, false).await?;
        let three = pool_run(&bench, true).await?;
        println!("BENCH pool_1_server_s {one:.1} s");
        println!("BENCH pool_3_servers_s {three:.1} s");
        println!("BENCH pool_speed_up {:.2} x", one / three);
        println!(
            "pool pair {pair} of {POOL_PAIRS}: {one:.1} s on one server, {three:.1} s on three, {} takes in the page",
            pair * 2 * POOL_SHOTS
        );
        ones.push(one);
        threes.push(three);
    }
    report_first_and_last("pool_1_server", &ones);
    report_first_and_last("pool_3_servers", &threes);
    bench.browser.screenshot("bench-pool-30-shots").await?;
    bench.stop().await
}

/// Seconds from Generate all to the last of the timeline's shots Done, on the first
/// server alone or `shared` with all three; the page keeps every earlier run's takes.
async fn pool_run(bench: &Bench, shared: bool) -> Result<f64> {
    bench.share_with_others(shared).await?;
    let run = generate_all(&bench.browser, POOL_SHOTS).await?;
    clear_finished_run(bench, POOL_SHOTS).await?;
    Ok(field(&run, "run_ms")? / 1000.0)
}
