//! When things go wrong mid-run, every shot still reaches a definite state the person can
//! see: a reload resumes it, a server restart makes it Lost with Resubmit, Cancel cancels,
//! dropped sockets reconnect, failing downloads are retried and then explained.

use fantoccini::Locator;
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

const STATUS: &str = "[role=group][aria-label='Shot 1'] [role=status]";
const SOCKET_LINE: &str = ".servers-panel .socket-line";

/// Done, Failed, Cancelled or Lost: what a shot's state line starts with once it has ended.
fn is_definite(state_line: &str) -> bool {
    ["Done", "Failed", "Cancelled", "Lost"]
        .iter()
        .any(|end| state_line.starts_with(end))
}

fn status_of(shot: usize) -> String {
    format!("[role=group][aria-label='Shot {shot}'] [role=status]")
}

/// EmptyImage → SlowCounter (12 steps × 0.3 s) → SaveImage: long enough to interfere with.
fn slow_workflow() -> String {
    serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 1234}},
        "2": {"class_type": "SlowCounter", "inputs": {"image": ["1", 0], "steps": 12, "delay": 0.3}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "e2e_slow"}}
    })
    .to_string()
}

/// Connects, imports the slow workflow from pasted JSON, writes a prompt, presses Generate
/// and waits until the shot runs.
async fn start_slow_shot(browser: &Browser, sim: &Sim, site: &StaticSite) -> anyhow::Result<()> {
    prepare_slow_shot(browser, sim, site).await?;
    browser.generate_shot(1, |t| t.starts_with("Running")).await?;
    Ok(())
}

/// Connects, imports the slow workflow from pasted JSON and writes shot 1's prompt.
async fn prepare_slow_shot(browser: &Browser, sim: &Sim, site: &StaticSite) -> anyhow::Result<()> {
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser.import_pasted_workflow(&slow_workflow()).await?;
    browser.write_prompt(1, "a slow dolly shot").await
}

#[tokio::test]
async fn a_reload_mid_run_resumes_the_shot_and_it_finishes() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    start_slow_shot(&browser, &sim, &site).await?;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.client.refresh().await?;
    let resumed = browser
        .wait_for_text(STATUS, |t| t.starts_with("Running") || t.starts_with("Done"))
        .await?;
    browser.screenshot_at(STATUS, "trouble-reload-resumed").await?;
    let done = browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    assert!(
        done.starts_with("Done"),
        "after {resumed:?} the shot ended {done:?}"
    );
    browser
        .wait_for_element(Locator::Css("[role=group][aria-label='Shot 1'] .take-media img"))
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// What the person is promised once ComfyUI's history of a finished run is cleared.
const HISTORY_CLEARED_VERDICT: std::time::Duration = std::time::Duration::from_secs(30);

/// How many prompts wait in the simulator's queue (not the running one).
async fn sim_pending(sim: &Sim) -> anyhow::Result<usize> {
    let queue = sim.get_json("/queue").await?;
    Ok(queue["queue_pending"].as_array().map_or(0, Vec::len))
}

#[tokio::test]
async fn a_reload_while_generate_waits_for_comfyuis_answer_follows_the_shot_to_done_not_submitting()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    prepare_slow_shot(&browser, &sim, &site).await?;
    // Someone else's run goes first, so the shot waits in the queue, and ComfyUI's answer
    // to the POST never reaches this page.
    let theirs = serde_json::json!({"prompt": serde_json::from_str::<serde_json::Value>(&slow_workflow())?,
        "client_id": "someone-else"});
    sim.post_json("/api/prompt", &theirs).await?;
    sim.set_faults(serde_json::json!({"prompt_answer_delay_ms": 600_000}))
        .await?;
    browser.generate_shot(1, |t| t.starts_with("Submitting")).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sim_pending(&sim).await? == 0 {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the prompt never reached the simulator"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    let before = browser.client.find(Locator::Css(STATUS)).await?.text().await?;
    assert!(
        before.starts_with("Submitting"),
        "still waiting for the answer when the page reloads: {before}"
    );
    browser.client.refresh().await?;
    sim.clear_faults().await?;
    browser
        .wait_for_text(STATUS, |t| t.starts_with("Queued") || t.starts_with("Running"))
        .await?;
    let ended = browser.wait_for_text(STATUS, is_definite).await?;
    browser
        .screenshot_at(STATUS, "trouble-reload-during-submit")
        .await?;
    assert!(ended.starts_with("Done"), "the shot ended {ended:?}");
    browser
        .wait_for_element(Locator::Css("[role=group][aria-label='Shot 1'] .take-media img"))
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn history_cleared_before_the_outputs_were_read_ends_the_shot_lost_within_30_s_and_resubmit_finishes_it()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    start_slow_shot(&browser, &sim, &site).await?;
    // History answers slowly, so it can be cleared between the run's end and the read.
    sim.set_faults(serde_json::json!({"history_delay_ms": 2_000}))
        .await?;
    browser
        .wait_for_text(STATUS, |t| t.starts_with("Fetching outputs"))
        .await?;
    sim.clear_history().await?;
    let cleared = std::time::Instant::now();
    sim.clear_faults().await?;
    let lost = browser.wait_for_text(STATUS, |t| t.starts_with("Lost")).await?;
    let took = cleared.elapsed();
    assert!(took < HISTORY_CLEARED_VERDICT, "Lost after {took:?}");
    assert!(
        lost.contains("history of this shot was cleared") && lost.contains("Resubmit"),
        "says why and what to do: {lost}"
    );
    browser.screenshot_at(STATUS, "trouble-history-cleared").await?;
    browser.click_button("Resubmit").await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_server_restart_mid_run_shows_lost_and_resubmit_finishes_the_shot() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    start_slow_shot(&browser, &sim, &site).await?;
    sim.set_faults(serde_json::json!({"restart": true, "restart_ms": 1000}))
        .await?;
    let lost = browser.wait_for_text(STATUS, |t| t.starts_with("Lost")).await?;
    assert!(lost.contains("restarted"), "says why: {lost}");
    browser.screenshot_at(STATUS, "trouble-lost").await?;
    browser.click_button("Resubmit").await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// The largest seed ComfyUI takes, 2^64 − 1: a browser number would round it to 2^64.
const LARGEST_SEED: &str = "18446744073709551615";

/// Opens shot 1's run manifest and waits until it names `seed` as the take's seed.
async fn manifest_seed(browser: &Browser, seed: &str) -> anyhow::Result<String> {
    browser.click_button_in(&shot_card(1), "Open manifest").await?;
    let manifest = browser
        .wait_for_text("[aria-label='Run manifest']", |t| t.contains("\"seed\":"))
        .await?;
    browser.click_button_in(&shot_card(1), "Close manifest").await?;
    let expected = format!("\"seed\": {seed}");
    anyhow::ensure!(
        manifest.contains(&expected),
        "the manifest says {expected}: {manifest}"
    );
    Ok(manifest)
}

#[tokio::test]
async fn a_locked_seed_of_2_pow_64_minus_1_stays_exact_in_the_manifest_across_a_reload_and_resubmit_sends_it()
-> anyhow::Result<()> {
    let sim = Sim::start(&[
        "--enable-cors-header",
        "--faults",
        "--fake-models",
        "--step-ms",
        "400",
    ])
    .await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser
        .add_bundled_workflow("txt2img_sd", "Text to image")
        .await?;
    browser.write_prompt(1, "a lighthouse at dusk").await?;
    let card = shot_card(1);
    browser
        .client
        .find(Locator::Css(&format!("{card} .seed-lock input[type=checkbox]")))
        .await?
        .click()
        .await?;
    let field = browser
        .wait_for_element(Locator::Css(&format!("{card} input.seed-value")))
        .await?;
    // Select what the lock put there (Ctrl+A), then type over it.
    field
        .send_keys(&format!("\u{E009}a\u{E000}{LARGEST_SEED}"))
        .await?;
    browser.client.find(Locator::Css("h1")).await?.click().await?;
    browser
        .wait_for_value(&format!("{card} input.seed-value"), |v| v == LARGEST_SEED)
        .await?;
    browser.generate_shot(1, |t| t.starts_with("Running")).await?;
    manifest_seed(&browser, LARGEST_SEED).await?;

    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.client.refresh().await?;
    browser
        .wait_for_text(STATUS, |t| t.starts_with("Running"))
        .await?;
    manifest_seed(&browser, LARGEST_SEED).await?;
    browser
        .wait_for_value(&format!("{card} input.seed-value"), |v| v == LARGEST_SEED)
        .await?;

    // The server restarts and forgets the shot; Resubmit sends the recorded workflow.
    sim.set_faults(serde_json::json!({"restart": true, "restart_ms": 1000}))
        .await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Lost")).await?;
    sim.clear_faults().await?;
    browser.click_button("Resubmit").await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    let history = sim.get_json("/history").await?;
    let runs = history
        .as_object()
        .map(|runs| runs.values().collect::<Vec<_>>())
        .unwrap_or_default();
    assert_eq!(
        runs.len(),
        1,
        "the restarted server ran only the resubmitted prompt: {history}"
    );
    let seeds: Vec<_> = runs[0]["prompt"][2]
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.values())
        .filter_map(|node| node["inputs"].get("seed"))
        .collect();
    assert_eq!(
        seeds.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [LARGEST_SEED],
        "Resubmit sent the seed exactly"
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn cancelling_a_running_shot_ends_it_cancelled_and_retry_makes_a_new_take() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    start_slow_shot(&browser, &sim, &site).await?;
    browser.screenshot_at(STATUS, "trouble-running").await?;
    browser.click_button("Cancel").await?;
    browser.wait_for_text(STATUS, |t| t == "Cancelled").await?;
    // The page is on another origin than the server: the cancel crossed it and the run stopped.
    assert_ne!(site.url(), sim.url());
    let queue = sim.get_json("/queue").await?;
    assert_eq!(
        (
            queue["queue_running"].as_array().map(Vec::len),
            queue["queue_pending"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0)),
        "nothing runs or waits on the server after Cancel: {queue}"
    );
    browser.click_button("Retry").await?;
    browser
        .wait_for_text(".take-count", |t| t == "Take 2 of 2")
        .await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    // The cancelled take is still there, one step back.
    browser
        .client
        .find(Locator::Css("[aria-label='Previous take']"))
        .await?
        .click()
        .await?;
    browser.wait_for_text(STATUS, |t| t == "Cancelled").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_socket_dropped_mid_run_still_ends_done() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    start_slow_shot(&browser, &sim, &site).await?;
    sim.set_faults(serde_json::json!({"drop_ws": true})).await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser
        .wait_for_element(Locator::Css("[role=group][aria-label='Shot 1'] .take-media img"))
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn an_editor_format_workflow_is_converted_with_the_servers_node_list() -> anyhow::Result<()> {
    let ui_workflow = std::fs::read_to_string(format!(
        "{}/../../fixtures/comfyui/workflows/default.ui.json",
        env!("CARGO_MANIFEST_DIR")
    ))?;
    let sim = Sim::start(&["--enable-cors-header", "--fake-models"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser.import_pasted_workflow(&ui_workflow).await?;
    // The converted workflow maps the positive CLIPTextEncode to the shot prompt.
    let mapping = browser
        .wait_for_text(".workflow-panel", |t| t.contains("prompt"))
        .await?;
    assert!(
        mapping.contains("CLIPTextEncode") || mapping.contains("CLIP Text Encode"),
        "{mapping}"
    );
    browser
        .screenshot_at(".workflow-panel", "workflow-ui-format-converted")
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// A small real PNG on disk, for the keyframe picker.
fn keyframe_png() -> anyhow::Result<std::path::PathBuf> {
    const SIZE_PX: u32 = 16;
    let path = std::env::temp_dir().join(format!("shotline-e2e-lost-keyframe-{}.png", std::process::id()));
    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut encoder = png::Encoder::new(file, SIZE_PX, SIZE_PX);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header()?;
    let pixels: Vec<u8> = (0..SIZE_PX * SIZE_PX)
        .flat_map(|i| [(i * 7) as u8, 90, (i % SIZE_PX * 16) as u8])
        .collect();
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(path)
}

/// A server whose uploads go missing (another ComfyUI behind the address) rejects the
/// keyframe, gets it once more, rejects it again: the shot ends Failed saying what to check,
/// and once uploads stick, Retry finishes it.
#[tokio::test]
async fn a_server_that_keeps_losing_the_keyframe_fails_the_shot_with_what_to_do_and_retry_finishes_it()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    let load_image = serde_json::json!({
        "1": {"class_type": "LoadImage", "inputs": {"image": "placeholder.png"}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "e2e_lost"}}
    });
    browser.import_pasted_workflow(&load_image.to_string()).await?;
    browser.write_prompt(1, "the same frame, again").await?;
    let card = "[role=group][aria-label='Shot 1']";
    let picker = browser
        .wait_for_element(Locator::Css(&format!("{card} input[type=file]")))
        .await?;
    picker.send_keys(&keyframe_png()?.to_string_lossy()).await?;
    browser
        .wait_for_element(Locator::Css(&format!("{card} .keyframe-image")))
        .await?;

    sim.set_faults(serde_json::json!({"lose_uploads": 2})).await?;
    let failed = browser
        .generate_shot(1, |t| t.starts_with("Failed") || t.starts_with("Done"))
        .await?;
    assert!(
        failed.starts_with("Failed") && failed.contains("uploaded it again") && failed.contains("Retry"),
        "says what happened and what to do: {failed}"
    );
    browser.screenshot_at(card, "trouble-keyframe-lost").await?;

    sim.clear_faults().await?;
    browser.click_button("Retry").await?;
    browser
        .wait_for_text(".take-count", |t| t == "Take 2 of 2")
        .await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser
        .wait_for_element(Locator::Css(&format!("{card} .take-media img")))
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn every_socket_closing_twice_while_three_shots_run_ends_each_done_and_the_panel_says_reconnected()
-> anyhow::Result<()> {
    // Text to image on fake models, 20 steps of 150 ms: each shot's own prompt makes it a
    // real 3 s run (one workflow without a prompt would be replayed from ComfyUI's cache).
    let sim = Sim::start(&[
        "--enable-cors-header",
        "--faults",
        "--fake-models",
        "--step-ms",
        "150",
    ])
    .await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser
        .add_bundled_workflow("txt2img_sd", "Text to image")
        .await?;
    for _ in 0..2 {
        browser.click_button("Add shot").await?;
    }
    for n in 1..=3 {
        browser
            .write_prompt(n, &format!("harbour at dusk, take {n}"))
            .await?;
    }
    browser.click_button("Generate all").await?;
    // The server closes every socket at once while the first shot runs and the others
    // wait, then again as soon as the first has ended, with two still to finish.
    browser
        .wait_for_text(&status_of(1), |t| t.starts_with("Running"))
        .await?;
    sim.set_faults(serde_json::json!({"drop_ws": true})).await?;
    browser.wait_for_text(&status_of(1), is_definite).await?;
    sim.set_faults(serde_json::json!({"drop_ws": true})).await?;
    let last = browser
        .client
        .find(Locator::Css(&status_of(3)))
        .await?
        .text()
        .await?;
    assert!(
        !is_definite(&last),
        "shot 3 had not ended at the second drop: {last}"
    );
    for n in 1..=3 {
        let ended = browser.wait_for_text(&status_of(n), is_definite).await?;
        assert!(ended.starts_with("Done"), "shot {n} ended {ended:?}");
    }
    browser
        .wait_for_element(Locator::Css(".servers-panel > summary"))
        .await?
        .click()
        .await?;
    let socket = browser
        .wait_for_text(SOCKET_LINE, |t| t.contains("reconnected at"))
        .await?;
    assert!(
        socket.contains("after it closed") && socket.contains("(2 reconnects so far)"),
        "socket line: {socket}"
    );
    browser
        .screenshot_at(SOCKET_LINE, "trouble-socket-reconnected")
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_download_that_fails_three_times_is_retried_and_the_shot_shows_its_image() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    prepare_slow_shot(&browser, &sim, &site).await?;
    sim.set_faults(serde_json::json!({"http": {"path": "/view", "status": 500, "times": 3}}))
        .await?;
    let ended = browser
        .generate_shot(1, |t| t.starts_with("Done") || t.starts_with("Failed"))
        .await?;
    assert!(ended.starts_with("Done"), "ended {ended:?}");
    browser
        .wait_for_element(Locator::Css("[role=group][aria-label='Shot 1'] .take-media img"))
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_download_that_keeps_failing_ends_the_shot_failed_saying_what_happened_and_what_to_do()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    prepare_slow_shot(&browser, &sim, &site).await?;
    sim.set_faults(serde_json::json!({"http": {"path": "/view", "status": 500, "times": 1000}}))
        .await?;
    let ended = browser
        .generate_shot(1, |t| t.starts_with("Done") || t.starts_with("Failed"))
        .await?;
    assert!(
        ended
            .starts_with("Failed — the outputs could not be fetched: ComfyUI finished the run, but e2e_slow"),
        "{ended}"
    );
    assert!(
        ended.contains("could not be downloaded in 4 attempts")
            && ended.contains("answered HTTP 500")
            && ended.contains("Retry runs the shot again"),
        "{ended}"
    );
    browser.screenshot_at(STATUS, "trouble-download-failed").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// EmptyImage → SlowCounter (30 steps × 0.3 s) → SaveImage: 9 s, time to open a second tab.
fn long_workflow() -> String {
    serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 64, "batch_size": 1, "color": 4321}},
        "2": {"class_type": "SlowCounter", "inputs": {"image": ["1", 0], "steps": 30, "delay": 0.3}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "e2e_tabs"}}
    })
    .to_string()
}

const PROGRESS: &str = "[role=group][aria-label='Shot 1'] [role=progressbar]";
const TAKE_IMAGE: &str = "[role=group][aria-label='Shot 1'] .take-media img";

/// Tab one starts a long shot and tab two opens the same project: returns both windows.
async fn long_shot_in_two_tabs(
    browser: &Browser,
    sim: &Sim,
    site: &StaticSite,
) -> anyhow::Result<(fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle)> {
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser.import_pasted_workflow(&long_workflow()).await?;
    browser.write_prompt(1, "a long crane shot").await?;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.generate_shot(1, |t| t.starts_with("Running")).await?;
    let first = browser.client.window().await?;
    let second = browser.client.new_window(true).await?.handle;
    browser.client.switch_to_window(second.clone()).await?;
    browser.client.goto(&site.url()).await?;
    // The second tab knows the job from storage and follows it over HTTP.
    browser
        .wait_for_text(STATUS, |t| t.starts_with("Running") || t.starts_with("Done"))
        .await?;
    Ok((first, second))
}

/// The shot's progress in percent, as its progressbar tells assistive technology.
async fn progress_pct(browser: &Browser) -> anyhow::Result<u32> {
    let value = browser
        .client
        .find(Locator::Css(PROGRESS))
        .await?
        .attr("aria-valuenow")
        .await?
        .unwrap_or_default();
    Ok(value.parse()?)
}

/// ComfyUI keeps one socket per clientId, so each tab has its own: the tab that pressed
/// Generate goes on hearing every step while a second tab has the project open, both end
/// Done with the image, and the image was downloaded once for the browser.
#[tokio::test]
async fn a_second_tab_on_the_project_leaves_the_first_its_live_progress_and_the_take_is_fetched_once()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    let (first, second) = long_shot_in_two_tabs(&browser, &sim, &site).await?;

    browser.client.switch_to_window(first).await?;
    let seen = progress_pct(&browser).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut latest = seen;
    while latest <= seen && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let line = browser.client.find(Locator::Css(STATUS)).await?.text().await?;
        assert!(
            line.starts_with("Running"),
            "the first tab stopped hearing progress at {seen}%: {line}"
        );
        latest = progress_pct(&browser).await?;
    }
    assert!(latest > seen, "no step reached the first tab after {seen}%");
    browser.screenshot_at(STATUS, "tabs-first-keeps-progress").await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser.wait_for_element(Locator::Css(TAKE_IMAGE)).await?;

    browser.client.switch_to_window(second).await?;
    let other = browser.wait_for_text(STATUS, is_definite).await?;
    assert!(other.starts_with("Done"), "the second tab shows {other:?}");
    browser.wait_for_element(Locator::Css(TAKE_IMAGE)).await?;
    assert_eq!(
        sim.request_count("/view").await?,
        1,
        "one download of the one image for both tabs"
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// The tab that pressed Generate is closed mid-run: the tab left open fetches the take.
#[tokio::test]
async fn closing_the_tab_that_pressed_generate_leaves_the_take_to_the_tab_still_open() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--faults"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    let (first, second) = long_shot_in_two_tabs(&browser, &sim, &site).await?;
    browser.client.switch_to_window(first).await?;
    browser.client.close_window().await?;
    browser.client.switch_to_window(second).await?;
    let ended = browser.wait_for_text(STATUS, is_definite).await?;
    assert!(ended.starts_with("Done"), "the open tab shows {ended:?}");
    browser.wait_for_element(Locator::Css(TAKE_IMAGE)).await?;
    assert_eq!(sim.request_count("/view").await?, 1);
    // A reload of the tab left shows the take from storage.
    browser.client.refresh().await?;
    browser.wait_for_text(STATUS, |t| t.starts_with("Done")).await?;
    browser.wait_for_element(Locator::Css(TAKE_IMAGE)).await?;
    assert_eq!(sim.request_count("/view").await?, 1, "nothing downloaded again");
    browser.close().await?;
    sim.stop().await;
    Ok(())
}
