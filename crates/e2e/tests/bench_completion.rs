//! Benchmark P3 (issue 11): how soon a finished prompt shows as Done with its media on the
//! shot card, with a healthy socket and with a socket that is open but silently stalled
//! (comfy-sim's `stall_ws_ms`), where the app has to learn it from its /queue and /history
//! polls. Ignored by the test tier: `cargo xtask bench` runs it with `--ignored` and reads
//! the `BENCH` lines it prints.
//!
//! Timed in the page by bench_completion/watch.js. Healthy: from the `executing` message
//! with node null reaching the page. Stalled: no message reaches it in time, so from the
//! server's own `execution_success` timestamp in its history (the same machine's clock).
//! Figures are reported, never asserted; what is asserted is that each run did end Done
//! with its media, and that the stalled runs really got no completion message in time.

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

const RUNS: usize = 5;
/// Longer than any run takes: the stalled socket is still silent when the app is Done.
const STALL_MS: u64 = 60_000;
const RUN_TIMEOUT_MS: u64 = 30_000;
const SOCKET_BACK_TIMEOUT_S: u64 = 30;

const WATCH_JS: &str = include_str!("bench_completion/watch.js");
const COLLECT_JS: &str = include_str!("bench_completion/collect.js");

/// One run as the page saw it.
struct Completion {
    /// Page time of the first `executing` node-null message after the run was armed.
    message_ms: Option<f64>,
    done_ms: f64,
    done_epoch_ms: f64,
    server_finished_epoch_ms: f64,
}

/// Arms the watcher, presses Generate on shot 1 and waits until it is Done with media.
async fn generate_once(browser: &Browser, sim: &Sim) -> Result<Completion> {
    browser
        .client
        .execute("window.__shotlineCompletion.arm();", vec![])
        .await?;
    browser.click_button_in(&shot_card(1), "Generate").await?;
    let seen = browser
        .client
        .execute_async(COLLECT_JS, vec![json!(RUN_TIMEOUT_MS), json!(sim.url())])
        .await
        .context("waiting for the shot to be Done")?;
    if let Some(error) = seen.get("error") {
        bail!("{error}: {seen}");
    }
    let time = |field| seen.get(field).and_then(Value::as_f64);
    let (Some(done_ms), Some(done_epoch_ms), Some(server_finished_epoch_ms)) =
        (time("done_ms"), time("done_epoch_ms"), time("server_finished_ms"))
    else {
        bail!("the run left no times: {seen}");
    };
    let message_ms = seen["completions"]
        .as_array()
        .and_then(|all| all.first())
        .and_then(|first| first["at_ms"].as_f64());
    Ok(Completion {
        message_ms,
        done_ms,
        done_epoch_ms,
        server_finished_epoch_ms,
    })
}

#[tokio::test]
#[ignore = "benchmark: run by `cargo xtask bench`"]
async fn p3_completion_latency_with_a_healthy_and_a_stalled_socket() -> Result<()> {
    // The bundled text-to-image workflow on the simulator's weight-free models: its seed
    // is new for every take, so no run is answered from ComfyUI's cache, and 20 sampler
    // steps of 100 ms make each run last about 2 s, as a stall has to while it runs.
    let sim = Sim::start(&[
        "--enable-cors-header",
        "--faults",
        "--fake-models",
        "--step-ms",
        "100",
    ])
    .await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    let config = json!({ "card": shot_card(1) });
    browser
        .run_at_every_document_start(&format!("({WATCH_JS})({config});"))
        .await?;
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser
        .add_bundled_workflow("txt2img_sd", "Text to image")
        .await?;
    browser
        .write_prompt(1, "a lighthouse beam sweeps the fog")
        .await?;

    for _ in 0..RUNS {
        let run = generate_once(&browser, &sim).await?;
        let Some(message_ms) = run.message_ms else {
            bail!("Done without an `executing` node-null message on a healthy socket");
        };
        println!(
            "BENCH p3_completion_healthy_ms {:.1} ms",
            run.done_ms - message_ms
        );
        println!(
            "BENCH p3_completion_healthy_from_server_ms {:.1} ms",
            run.done_epoch_ms - run.server_finished_epoch_ms
        );
    }

    for _ in 0..RUNS {
        sim.set_faults(json!({ "stall_ws_ms": STALL_MS })).await?;
        let run = generate_once(&browser, &sim).await?;
        ensure!(
            run.message_ms.is_none(),
            "the stalled socket delivered the completion message: nothing stalled"
        );
        println!(
            "BENCH p3_completion_stalled_ms {:.1} ms",
            run.done_epoch_ms - run.server_finished_epoch_ms
        );
        // The socket delivers what it held and the next run starts from a healthy one.
        sim.clear_faults().await?;
        wait_for_held_messages(&browser).await?;
    }
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// Waits until the stalled socket has delivered the run's held-back completion message.
async fn wait_for_held_messages(browser: &Browser) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(SOCKET_BACK_TIMEOUT_S);
    loop {
        let seen = browser
            .client
            .execute(
                "return window.__shotlineCompletion.result().completions.length;",
                vec![],
            )
            .await?;
        if seen.as_u64().unwrap_or_default() > 0 {
            return Ok(());
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the socket did not deliver its held messages {SOCKET_BACK_TIMEOUT_S} s after the stall ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
