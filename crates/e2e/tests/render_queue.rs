//! The render queue as a person uses it: Generate all survives a reload, a second tab
//! opened meanwhile shows every shot the first tab runs, Pause stops placing shots and
//! Resume goes on, Move to front reorders, and "Takes" makes several takes of one shot,
//! each with its own seed.

use fantoccini::Locator;
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

const QUEUE: &str = "[role=region][aria-label='Render queue']";

fn status_of(shot: usize) -> String {
    format!("{} [role=status]", shot_card(shot))
}

/// Connects, adds the text-to-image workflow and writes `shots` prompts.
async fn storyboard_of(browser: &Browser, sim: &Sim, site: &StaticSite, shots: usize) -> anyhow::Result<()> {
    browser.client.goto(&site.url()).await?;
    browser.connect(&sim.url()).await?;
    browser
        .add_bundled_workflow("txt2img_sd", "Text to image")
        .await?;
    for _ in 1..shots {
        browser.click_button("Add shot").await?;
    }
    browser.wait_for_element(Locator::Css(&shot_card(shots))).await?;
    for n in 1..=shots {
        browser
            .write_prompt(n, &format!("shot {n}, a lighthouse in the rain"))
            .await?;
    }
    Ok(())
}

/// Waits for the queue's summary and checks that `done` shots ended Done, none otherwise,
/// and that the server ran exactly `done` prompts: none twice, none that was not asked.
async fn expect_all_done_once(browser: &Browser, sim: &Sim, done: usize) -> anyhow::Result<()> {
    let summary = browser
        .wait_for_text(&format!("{QUEUE} .queue-summary p"), |t| t.contains("done"))
        .await?;
    assert_eq!(
        summary,
        format!("Finished: {done} done · 0 failed · 0 cancelled · 0 lost")
    );
    let runs = sim.get_json("/history").await?;
    assert_eq!(
        runs.as_object().map(|runs| runs.len()),
        Some(done),
        "every shot ran once, none twice: {runs}"
    );
    Ok(())
}

/// The KSampler seeds of every prompt the server ran, in no particular order.
async fn seeds_run(sim: &Sim) -> anyhow::Result<Vec<String>> {
    let history = sim.get_json("/history").await?;
    Ok(history
        .as_object()
        .into_iter()
        .flat_map(|runs| runs.values())
        .filter_map(|run| run["prompt"][2].as_object())
        .flat_map(|nodes| nodes.values())
        .filter_map(|node| node["inputs"].get("seed").map(ToString::to_string))
        .collect())
}

#[tokio::test]
async fn a_reload_during_generate_all_of_six_shots_ends_all_six_done_with_no_further_click()
-> anyhow::Result<()> {
    // 20 steps of 150 ms: about 3 s a shot, two at a time on the server.
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "150"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    storyboard_of(&browser, &sim, &site, 6).await?;
    browser.click_button("Generate all").await?;
    browser
        .wait_for_text(&status_of(1), |t| t.starts_with("Running"))
        .await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| t.contains("waiting"))
        .await?;
    // The project's own edits (shots, prompts, the takes just added) are in storage:
    // what this test reloads in the middle of is the render queue's work, not a save.
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;

    browser.client.refresh().await?;
    for n in 1..=6 {
        let ended = browser
            .wait_for_text(&status_of(n), |t| {
                ["Done", "Failed", "Lost", "Cancelled"]
                    .iter()
                    .any(|end| t.starts_with(end))
            })
            .await;
        if ended.is_err() {
            browser.screenshot("render-queue-reload-stuck").await?;
            let card = browser
                .client
                .execute(
                    "const c = document.querySelector(arguments[0]); return c ? c.outerHTML.slice(0, 4000) : 'no such card';",
                    vec![serde_json::json!(shot_card(n))],
                )
                .await?;
            eprintln!("shot {n}'s card after the reload: {card}");
        }
        if ended.as_ref().is_ok_and(|ended| !ended.starts_with("Done")) {
            let region = browser
                .client
                .execute(
                    "const r = document.querySelector(arguments[0]); return r ? r.innerText : 'no render queue';",
                    vec![serde_json::json!(QUEUE)],
                )
                .await?;
            eprintln!("the render queue after the reload: {region}");
            browser.screenshot("render-queue-reload-not-done").await?;
        }
        let ended = ended?;
        assert!(ended.starts_with("Done"), "shot {n} ended {ended:?}");
    }
    expect_all_done_once(&browser, &sim, 6).await?;
    browser.screenshot("render-queue-done").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_second_tab_opened_during_generate_all_shows_the_shots_the_first_tab_runs_after_it_opened()
-> anyhow::Result<()> {
    // 20 steps of 100 ms: about 2 s a shot, two placed at a time, so shots 3 and 4 are
    // placed after the second tab has opened.
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "100"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    storyboard_of(&browser, &sim, &site, 4).await?;
    let first = browser.client.window().await?;
    browser.click_button("Generate all").await?;
    browser
        .wait_for_text(&status_of(1), |t| t.starts_with("Running"))
        .await?;
    // The second tab opens what is stored: the storyboard's shots must be saved first.
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    let second = browser.client.new_window(false).await?.handle;
    browser.client.switch_to_window(second).await?;
    browser.client.goto(&site.url()).await?;
    for n in 1..=4 {
        let ended = browser
            .wait_for_text(&status_of(n), |t| t.starts_with("Done"))
            .await;
        if ended.is_err() {
            browser.screenshot("render-queue-second-tab-stuck").await?;
        }
        ended.map_err(|error| error.context(format!("shot {n} in the second tab")))?;
    }
    browser.client.close_window().await?;
    browser.client.switch_to_window(first).await?;
    expect_all_done_once(&browser, &sim, 4).await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn pause_stops_placing_shots_move_to_front_reorders_and_resume_goes_on() -> anyhow::Result<()> {
    // About 6 s a shot: the queue holds two shots on the server, two wait in the queue.
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "300"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    storyboard_of(&browser, &sim, &site, 4).await?;
    browser.click_button("Generate all").await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| {
            t.starts_with("2 waiting · 2 on a server")
        })
        .await?;
    browser.click_button_in(QUEUE, "Pause").await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| t.contains("paused"))
        .await?;
    browser.screenshot_at(QUEUE, "render-queue-paused").await?;

    // Shot 1 ends and frees its place: paused, the queue sends nothing in its stead.
    browser
        .wait_for_text(&status_of(1), |t| t.starts_with("Done"))
        .await?;
    // The queue says what the cards say: nothing is left "on a server" once shot 1 ended
    // and shot 2 runs (or, on a slow machine, has already ended too).
    browser
        .wait_for_text(&status_of(2), |t| {
            t.starts_with("Running") || t.starts_with("Done")
        })
        .await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| {
            t.starts_with("2 waiting · 0 on a server · ")
        })
        .await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    for n in [3, 4] {
        let state = browser.wait_for_text(&status_of(n), |t| !t.is_empty()).await?;
        assert_eq!(state, "Draft", "shot {n} was sent while the queue was paused");
    }

    // Shot 4 to the front: it is the first entry, and the next to run.
    browser
        .click_button_in(
            &format!("{QUEUE} li[aria-label='Queued shot 4']"),
            "Move to front",
        )
        .await?;
    browser
        .wait_for_text(
            &format!("{QUEUE} .queue-entries li:first-child .queue-shot"),
            |t| t == "Shot 4",
        )
        .await?;
    browser.click_button_in(QUEUE, "Resume").await?;
    browser.wait_for_text(&status_of(4), |t| t != "Draft").await?;
    let third = browser.wait_for_text(&status_of(3), |t| !t.is_empty()).await?;
    assert_eq!(third, "Draft", "shot 3 waits while shots 2 and 4 hold the server");
    for n in 1..=4 {
        browser
            .wait_for_text(&status_of(n), |t| t.starts_with("Done"))
            .await?;
    }
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn takes_3_makes_three_takes_of_the_shot_each_with_its_own_seed() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "50"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    storyboard_of(&browser, &sim, &site, 1).await?;
    let takes = browser
        .wait_for_element(Locator::Css(&format!("{} input.takes-count", shot_card(1))))
        .await?;
    takes.send_keys("\u{E009}a\u{E000}3").await?;
    browser.client.find(Locator::Css("h1")).await?.click().await?;
    browser
        .wait_for_value(&format!("{} input.takes-count", shot_card(1)), |v| v == "3")
        .await?;
    browser.click_button_in(&shot_card(1), "Generate").await?;
    browser
        .wait_for_text(&format!("{} .take-count", shot_card(1)), |t| t == "Take 3 of 3")
        .await?;
    expect_all_done_once(&browser, &sim, 3).await?;
    let mut seeds = seeds_run(&sim).await?;
    assert_eq!(seeds.len(), 3, "three prompts ran: {seeds:?}");
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 3, "each take had its own seed: {seeds:?}");
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn closing_the_tab_that_runs_generate_all_leaves_the_queue_to_the_other_tab_which_finishes_it()
-> anyhow::Result<()> {
    // About 8 s a shot: two shots still wait in the queue when the first tab closes.
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "400"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    storyboard_of(&browser, &sim, &site, 4).await?;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.click_button("Generate all").await?;
    browser
        .wait_for_text(&status_of(1), |t| t.starts_with("Running"))
        .await?;

    let first = browser.client.window().await?;
    let second = browser.client.new_window(true).await?.handle;
    browser.client.switch_to_window(second.clone()).await?;
    browser.client.goto(&site.url()).await?;
    browser
        .wait_for_text(&format!("{QUEUE} .hint"), |t| {
            t.starts_with("Another tab of this browser runs this queue")
        })
        .await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| t.starts_with("2 waiting"))
        .await?;
    browser.screenshot_at(QUEUE, "render-queue-second-tab").await?;

    browser.client.switch_to_window(first).await?;
    browser.client.close_window().await?;
    browser.client.switch_to_window(second).await?;
    for n in 1..=4 {
        let ended = browser
            .wait_for_text(&status_of(n), |t| {
                ["Done", "Failed", "Lost", "Cancelled"]
                    .iter()
                    .any(|end| t.starts_with(end))
            })
            .await?;
        assert!(ended.starts_with("Done"), "shot {n} ended {ended:?}");
    }
    expect_all_done_once(&browser, &sim, 4).await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn on_a_phone_the_render_queue_fits_the_screen_and_its_controls_work() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "300"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::phone().await?;
    storyboard_of(&browser, &sim, &site, 3).await?;
    browser.click_button("Generate all").await?;
    browser
        .wait_for_text(&format!("{QUEUE} .queue-tally"), |t| t.starts_with("1 waiting"))
        .await?;
    let overflow = browser
        .client
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
             return [r.left, r.right, document.documentElement.clientWidth, document.documentElement.scrollWidth];",
            vec![serde_json::json!(QUEUE)],
        )
        .await?;
    let [left, right, width, scroll] = [0, 1, 2, 3].map(|at| overflow[at].as_f64().unwrap_or(f64::NAN));
    assert!(
        left >= 0.0 && right <= width && scroll <= width,
        "the region and the page fit the phone's width: {overflow}"
    );
    browser.screenshot_at(QUEUE, "render-queue-phone").await?;
    browser
        .click_button_in(&format!("{QUEUE} li[aria-label='Queued shot 3']"), "Remove")
        .await?;
    for n in 1..=2 {
        browser
            .wait_for_text(&status_of(n), |t| t.starts_with("Done"))
            .await?;
    }
    expect_all_done_once(&browser, &sim, 2).await?;
    let third = browser.wait_for_text(&status_of(3), |t| !t.is_empty()).await?;
    assert_eq!(third, "Draft", "the removed shot was never sent");
    browser.close().await?;
    sim.stop().await;
    Ok(())
}
