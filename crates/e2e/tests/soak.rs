//! Soak (issues 10 and 17): many prompts through the app's render queue in headless
//! Chromium against a pool of comfy-sim servers while a seeded injector drops and stalls
//! sockets, delays history and /view, answers 500s, restarts one server once, reloads the
//! page at random moments (some between a job's save and its POST's answer), opens a
//! second tab of the app for a while and clears a server's history as a foreign client.
//! Every job must reach a final state a person can see (Done, Failed, Cancelled, Lost),
//! Lost only where an injected event explains it; no shot may run twice and no queue
//! entry may go missing. Ignored by the test tier: `cargo xtask soak` runs it and passes
//! SOAK_PROMPTS, SOAK_SEED, SOAK_MAX_MINUTES and SOAK_SERVERS.
//!
//! observe.js (installed before the app's scripts in every document) records every card's
//! state line with timestamps in the page; the test collects those records as the run goes
//! (a reload starts them afresh) and reads each server's log of accepted prompts at the
//! end. The report is printed as `SOAK …` lines. Durations are reported, never asserted;
//! what fails the run is a job that never ends, a Lost nothing explains, a shot run twice,
//! a queue entry lost, or the time bound.

#[path = "soak/cards.rs"]
mod cards;
#[path = "soak/duplicates.rs"]
mod duplicates;
#[path = "soak/page.rs"]
mod page;
#[path = "soak/page_events.rs"]
mod page_events;

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

use duplicates::Submissions;
use faults::{Injector, Progress, epoch_ms};
use page::Page;

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
/// Every card final this long without the queue's summary: the queue is stuck, the run
/// ends and says so.
const QUEUE_SUMMARY_WAIT_S: u64 = 60;
/// Failed looks at the page in a row (a reload in the way) before the soak gives up.
const PAGE_ERRORS_IN_A_ROW: u32 = 30;

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
    println!(
        "SOAK started_ms {} (epoch ms; `SOAK event` lines use the same clock)",
        epoch_ms()
    );
    browser.click_button("Generate all").await?;
    let progress = Progress {
        finished: Default::default(),
        stop: Default::default(),
    };
    let page = Page::new(&browser, site.url()).await?;
    let injector = Injector::new(&sims, &page, config.seed, config.prompts);
    let watch_until = deadline - Duration::from_secs(REPORT_RESERVE_S);
    let (outcome, injected) = tokio::join!(
        watch(&page, &progress, watch_until, config.prompts),
        injector.run(&progress)
    );
    let outcome = outcome?;
    let duration = started.elapsed();
    let queue_line = final_look(&page, config.prompts).await?;
    browser.screenshot("soak-end").await?;
    let cards = page.cards();
    for (label, text) in page.without_job().await?.iter().take(10) {
        println!("SOAK no_job_card {label} shows {text:?}");
    }
    let submissions = Submissions::read(&sims).await?;
    println!(
        "SOAK duration_s {:.1} ({:.0} prompts/min); the render queue says: {queue_line}",
        duration.as_secs_f64(),
        config.prompts as f64 / duration.as_secs_f64() * 60.0,
    );
    let verdict = report::print(&report::Ending {
        cards: &cards,
        prompts: config.prompts,
        injected: &injected,
        generate_all_running: outcome.generate_all_running,
        queue_line: &queue_line,
        submissions: &submissions,
    });
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
        "{} jobs ended Lost with no restart, history clear or reload to explain it",
        verdict.lost_without_restart
    );
    ensure!(verdict.duplicates == 0, "{} shots ran twice", verdict.duplicates);
    ensure!(
        verdict.lost_entries == 0,
        "{} queue entries were lost",
        verdict.lost_entries
    );
    ensure!(
        !verdict.queue_unfinished,
        "the render queue never showed its summary"
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
}

/// Polls the page until the render queue has finished with every job it started in a
/// final state, or until `until`. Always stops the injector.
async fn watch(page: &Page<'_>, progress: &Progress, until: Instant, prompts: usize) -> Result<Outcome> {
    let outcome = watch_until_settled(page, progress, until, prompts).await;
    progress.stop.store(true, Ordering::Relaxed);
    outcome
}

async fn watch_until_settled(
    page: &Page<'_>,
    progress: &Progress,
    until: Instant,
    prompts: usize,
) -> Result<Outcome> {
    let started = Instant::now();
    let mut last_print = Instant::now();
    let mut busy_before_ms = 0;
    let mut errors_in_a_row = 0;
    let mut all_final_since: Option<Instant> = None;
    loop {
        let looked = async {
            page.collect().await?;
            page.summary().await
        }
        .await;
        let summary = match looked {
            Ok(summary) => {
                errors_in_a_row = 0;
                summary
            }
            Err(error) => {
                errors_in_a_row += 1;
                ensure!(
                    errors_in_a_row < PAGE_ERRORS_IN_A_ROW,
                    "the page did not answer {PAGE_ERRORS_IN_A_ROW} looks in a row: {error:#}"
                );
                tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
                continue;
            }
        };
        let number = |key: &str| summary.get(key).and_then(Value::as_u64).unwrap_or_default() as usize;
        let (shown, with_job, shown_final) = (number("cards"), number("with_job"), number("finished"));
        let running = summary["generate_all_running"].as_bool().unwrap_or(true);
        let finished = page.finished();
        progress.finished.store(finished, Ordering::Relaxed);
        let tally = summary["tally"].as_str().unwrap_or_default().to_owned();
        if last_print.elapsed() >= Duration::from_secs(PROGRESS_EVERY_S) {
            // The share of the interval the page's main thread spent in tasks of ≥ 50 ms
            // (a reload starts the page's count afresh).
            let busy_ms = summary["long_tasks"]["total_ms"].as_u64().unwrap_or_default();
            let busy =
                busy_ms.saturating_sub(busy_before_ms) as f64 / last_print.elapsed().as_millis() as f64;
            println!(
                "SOAK progress {:>4.0} s: {finished}/{prompts} final, page shows {with_job} with a job, states {} — {tally} — \
                 page busy in long tasks {:.0}%",
                started.elapsed().as_secs_f64(),
                summary["states"],
                busy * 100.0
            );
            (busy_before_ms, last_print) = (busy_ms, Instant::now());
        }
        // The page as it is now (not one mid-reload): every card drawn, each one with a job
        // final.
        let all_final = shown == prompts && with_job > 0 && shown_final == with_job;
        all_final_since = if all_final {
            all_final_since.or(Some(Instant::now()))
        } else {
            None
        };
        let summary_shown = tally.starts_with("Finished:") && !running;
        let stuck =
            all_final_since.is_some_and(|since| since.elapsed() >= Duration::from_secs(QUEUE_SUMMARY_WAIT_S));
        let settled = all_final && (summary_shown || stuck);
        if settled || Instant::now() >= until {
            println!("SOAK page_long_tasks {}", summary["long_tasks"]);
            return Ok(Outcome {
                generate_all_running: running,
                time_bound_hit: !settled,
            });
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
    }
}

/// Once the injector has stopped (its last reload may just have happened): waits for the
/// page to draw every card again, folds in what it shows and returns the render queue's
/// line.
async fn final_look(page: &Page<'_>, prompts: usize) -> Result<String> {
    let started = Instant::now();
    loop {
        let summary = page.summary().await?;
        let shown = summary["cards"].as_u64().unwrap_or_default() as usize;
        if shown == prompts || started.elapsed() >= Duration::from_secs(CARDS_TIMEOUT_S) {
            // observe.js records a card as it renders: give the last ones a moment.
            tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
            page.collect().await?;
            let summary = page.summary().await?;
            return Ok(summary["tally"].as_str().unwrap_or_default().to_owned());
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS / 4)).await;
    }
}
