//! Soak (issue 10): many prompts through the app's engine in headless Chromium against a
//! pool of comfy-sim servers while a seeded injector drops and stalls sockets, delays
//! history and /view, answers 500s and restarts one server once. Every job must reach a
//! final state a person can see (Done, Failed, Cancelled, Lost), and Lost only where the
//! restart explains it. Ignored by the test tier: `cargo xtask soak` runs it and passes
//! SOAK_PROMPTS, SOAK_SEED, SOAK_MAX_MINUTES and SOAK_SERVERS.
//!
//! observe.js (installed before the app's scripts) records every card's state line with
//! timestamps in the page; the report comes from those records, printed as `SOAK …`
//! lines. Durations are reported, never asserted; what fails the run is a job that
//! never ends, a Lost without a restart, or the time bound.

#[path = "soak/faults.rs"]
mod faults;
#[path = "soak/report.rs"]
mod report;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use serde_json::{Value, json};
use shotline_e2e::{Browser, Sim, StaticSite};

use faults::{Injector, Progress, epoch_ms};

/// Sampler steps of 5 ms: a prompt's run is short, so the engine's own round trips
/// (submit, socket, history, /view, storage) dominate what the soak measures.
const SIM_FLAGS: [&str; 5] = [
    "--enable-cors-header",
    "--fake-models",
    "--faults",
    "--step-ms",
    "5",
];
const PROMPT: &str = "A lighthouse keeper climbs the stairs at dusk";
const POLL_MS: u64 = 2_000;
const PROGRESS_EVERY_S: u64 = 15;
/// Kept back from the time bound to collect and print the report.
const REPORT_RESERVE_S: u64 = 20;
/// WebDriver's limit for one script: the final collection reads every card.
const SCRIPT_TIMEOUT_S: u64 = 120;
const PAGE_LOAD_TIMEOUT_S: u64 = 300;
const CARDS_TIMEOUT_S: u64 = 300;

const OBSERVE_JS: &str = include_str!("soak/observe.js");
const SEED_JS: &str = include_str!("bench_reload/seed.js");

struct Config {
    prompts: usize,
    seed: u64,
    max_minutes: u64,
    servers: usize,
}

impl Config {
    fn from_env() -> Result<Self> {
        let read = |name: &str, default: u64| -> Result<u64> {
            std::env::var(name).ok().map_or(Ok(default), |value| {
                value.parse().with_context(|| format!("{name}={value}"))
            })
        };
        Ok(Self {
            prompts: read("SOAK_PROMPTS", 50)? as usize,
            seed: read("SOAK_SEED", epoch_ms())?,
            max_minutes: read("SOAK_MAX_MINUTES", 20)?,
            servers: read("SOAK_SERVERS", 2)?.max(2) as usize,
        })
    }
}

#[tokio::test]
#[ignore = "soak: run by `cargo xtask soak`"]
async fn prompts_under_random_faults_all_end_in_a_visible_final_state() -> Result<()> {
    let config = Config::from_env()?;
    let deadline = Instant::now() + Duration::from_secs(config.max_minutes * 60);
    println!(
        "SOAK seed {} prompts {} servers {} max_minutes {}",
        config.seed, config.prompts, config.servers, config.max_minutes
    );
    let mut sims = Vec::new();
    for _ in 0..config.servers {
        sims.push(Sim::start(&SIM_FLAGS).await?);
    }
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser
        .allow_slow_pages(
            Duration::from_secs(SCRIPT_TIMEOUT_S),
            Duration::from_secs(PAGE_LOAD_TIMEOUT_S),
        )
        .await?;
    browser.run_at_every_document_start(OBSERVE_JS).await?;
    let setup = Instant::now();
    browser.client.goto(&site.url()).await?;
    browser.connect(&sims[0].url()).await?;
    browser
        .add_bundled_workflow("txt2img_sd", "Text to image")
        .await?;
    add_pool(&browser, &sims).await?;
    seed_shots(&browser, config.prompts).await?;
    println!(
        "SOAK setup_s {:.1} (pool, workflow, {} shots stored, page reloaded)",
        setup.elapsed().as_secs_f64(),
        config.prompts
    );

    let started = Instant::now();
    browser.click_button("Generate all").await?;
    let progress = Progress {
        finished: Default::default(),
        stop: Default::default(),
    };
    let injector = Injector::new(&sims, config.seed, config.prompts);
    let watch_until = deadline - Duration::from_secs(REPORT_RESERVE_S);
    let (outcome, injected) = tokio::join!(
        watch(&browser, &progress, watch_until, config.prompts),
        injector.run(&progress)
    );
    let outcome = outcome?;
    let duration = started.elapsed();
    browser.screenshot("soak-end").await?;

    let cards = browser
        .client
        .execute("return window.__shotlineSoak.cards();", vec![])
        .await?;
    let cards: Vec<report::Card> = cards
        .as_array()
        .context("observe.js returned no cards")?
        .iter()
        .filter_map(report::Card::from_json)
        .collect();
    println!(
        "SOAK duration_s {:.1} ({:.0} prompts/min); Generate all says: {}",
        duration.as_secs_f64(),
        config.prompts as f64 / duration.as_secs_f64() * 60.0,
        outcome.tally
    );
    let verdict = report::print(&cards, config.prompts, &injected, outcome.generate_all_running);
    println!("SOAK time_bound_hit {}", u8::from(outcome.time_bound_hit));
    browser.close().await?;
    for sim in sims {
        sim.stop().await;
    }
    ensure!(
        !outcome.time_bound_hit,
        "the soak hit its time bound of {} minutes before every job ended",
        config.max_minutes
    );
    ensure!(
        verdict.hung == 0,
        "{} jobs never reached a final state",
        verdict.hung
    );
    ensure!(
        verdict.lost_without_restart == 0,
        "{} jobs ended Lost on a server that did not restart",
        verdict.lost_without_restart
    );
    Ok(())
}

/// Every server enabled in the Servers panel: a pool, so Generate all spreads the shots.
async fn add_pool(browser: &Browser, sims: &[Sim]) -> Result<()> {
    browser
        .wait_for_element(Locator::Css(".servers-panel > summary"))
        .await?
        .click()
        .await?;
    for sim in sims {
        browser.fill_and_submit("new-server-url", &sim.url()).await?;
        let row = format!(".servers-panel [role=group][aria-label='Server {}']", sim.url());
        browser.wait_for_element(Locator::Css(&row)).await?;
    }
    let pool = format!("{} enabled servers", sims.len());
    browser
        .wait_for_text(".servers-panel .pool-line", |t| t.contains(&pool))
        .await?;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    Ok(())
}

/// Grows the project to `shots` shots with prompts straight in IndexedDB (clicking "Add
/// shot" a thousand times would soak the test, not the app), then reloads the page.
async fn seed_shots(browser: &Browser, shots: usize) -> Result<()> {
    let answer = browser
        .client
        .execute_async(
            SEED_JS,
            vec![json!("project"), json!({ "shots": shots, "prompt": PROMPT })],
        )
        .await
        .context("seeding the shots")?;
    if let Some(error) = answer.get("error") {
        bail!("seeding the shots failed: {error}");
    }
    browser.client.refresh().await?;
    let started = Instant::now();
    loop {
        let cards = browser
            .client
            .execute("return window.__shotlineSoak.summary().cards;", vec![])
            .await?;
        if cards.as_u64() == Some(shots as u64) {
            break;
        }
        ensure!(
            started.elapsed() < Duration::from_secs(CARDS_TIMEOUT_S),
            "after {CARDS_TIMEOUT_S} s the reloaded page shows {cards} of the {shots} stored shots"
        );
        tokio::time::sleep(Duration::from_millis(POLL_MS / 4)).await;
    }
    println!(
        "SOAK page_shows_all_cards_s {:.1}",
        started.elapsed().as_secs_f64()
    );
    browser
        .wait_for_text(".connection", |t| t.starts_with("Connected"))
        .await?;
    Ok(())
}

struct Outcome {
    generate_all_running: bool,
    time_bound_hit: bool,
    tally: String,
}

/// Polls observe.js until Generate all has stopped with every job it started in a final
/// state, or until `until`. Always stops the injector.
async fn watch(browser: &Browser, progress: &Progress, until: Instant, prompts: usize) -> Result<Outcome> {
    let outcome = watch_until_settled(browser, progress, until, prompts).await;
    progress.stop.store(true, Ordering::Relaxed);
    outcome
}

async fn watch_until_settled(
    browser: &Browser,
    progress: &Progress,
    until: Instant,
    prompts: usize,
) -> Result<Outcome> {
    let started = Instant::now();
    let mut last_print = Instant::now();
    let mut busy_before_ms = 0;
    let mut seen_running = false;
    loop {
        let summary = browser
            .client
            .execute("return window.__shotlineSoak.summary();", vec![])
            .await?;
        let number = |key: &str| summary.get(key).and_then(Value::as_u64).unwrap_or_default() as usize;
        let (with_job, finished) = (number("with_job"), number("finished"));
        let running = summary["generate_all_running"].as_bool().unwrap_or(true);
        seen_running |= running;
        progress.finished.store(finished, Ordering::Relaxed);
        let tally = summary["tally"].as_str().unwrap_or_default().to_owned();
        if last_print.elapsed() >= Duration::from_secs(PROGRESS_EVERY_S) {
            // The share of the interval the page's main thread spent in tasks of ≥ 50 ms.
            let busy_ms = summary["long_tasks"]["total_ms"].as_u64().unwrap_or_default();
            let busy = (busy_ms - busy_before_ms) as f64 / last_print.elapsed().as_millis() as f64;
            println!(
                "SOAK progress {:>4.0} s: {finished}/{prompts} final, {with_job} started, states {} — {tally} — \
                 page busy in long tasks {:.0}%",
                started.elapsed().as_secs_f64(),
                summary["states"],
                busy * 100.0
            );
            (busy_before_ms, last_print) = (busy_ms, Instant::now());
        }
        let settled = finished == with_job && (finished == prompts || (seen_running && !running));
        if settled || Instant::now() >= until {
            println!("SOAK page_long_tasks {}", summary["long_tasks"]);
            return Ok(Outcome {
                generate_all_running: running,
                time_bound_hit: !settled,
                tally,
            });
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
    }
}
