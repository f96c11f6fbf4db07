//! Two comfy-sim servers as one pool: Generate all spreads shots over both; when one
//! restarts mid-run its jobs end Lost, when one is killed its shots say since when it is
//! unreachable, and "Resubmit on another server" finishes them on the other.

use fantoccini::Locator;
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

/// 20 sampler steps of 200 ms: a shot runs about 4 s, still running when its server
/// restarts.
const SIM_FLAGS: [&str; 5] = [
    "--enable-cors-header",
    "--fake-models",
    "--faults",
    "--step-ms",
    "200",
];
const SHOTS: usize = 4;

fn status(n: usize) -> String {
    format!("{} .job-state[role=status]", shot_card(n))
}

fn host(sim: &Sim) -> String {
    format!("127.0.0.1:{}", sim.port)
}

async fn connect_and_pick_workflow(browser: &Browser, sim: &Sim) -> anyhow::Result<()> {
    browser.connect(&sim.url()).await?;
    browser.add_bundled_workflow("txt2img_sd", "Text to image").await
}

/// Two sims in the app's pool, `shots` shots with prompts, Generate all pressed; returns
/// once shot 1 runs on the first server and shot 2 on the second.
async fn start_two_server_run(shots: usize) -> anyhow::Result<(Sim, Sim, StaticSite, Browser)> {
    let first = Sim::start(&SIM_FLAGS).await?;
    let second = Sim::start(&SIM_FLAGS).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick_workflow(&browser, &first).await?;

    browser
        .wait_for_element(Locator::Css(".servers-panel > summary"))
        .await?
        .click()
        .await?;
    browser.add_server(&first.url()).await?;
    browser.add_server(&second.url()).await?;
    browser
        .wait_for_text(".servers-panel .pool-line", |t| t.contains("2 enabled servers"))
        .await?;

    let add_shot = browser
        .wait_for_element(Locator::XPath("//button[normalize-space(.)='Add shot']"))
        .await?;
    for _ in 1..shots {
        add_shot.click().await?;
    }
    browser.wait_for_element(Locator::Css(&shot_card(shots))).await?;
    for n in 1..=shots {
        browser
            .write_prompt(n, &format!("shot {n}, rain on a tin roof"))
            .await?;
    }
    browser.click_button("Generate all").await?;

    // The active server takes the first shot, the idle other one the second.
    let running_on_second = format!("Running on {}", host(&second));
    browser
        .wait_for_text(&status(2), |t| t.starts_with(&running_on_second))
        .await?;
    let on_first = browser
        .wait_for_text(&status(1), |t| t.starts_with("Running") || t.starts_with("Done"))
        .await?;
    assert!(on_first.contains(&host(&first)), "shot 1: {on_first}");
    Ok((first, second, site, browser))
}

/// Presses "Resubmit on another server" on the cards of `shots`.
async fn move_to_another_server(browser: &Browser, shots: &[usize]) -> anyhow::Result<()> {
    for &n in shots {
        browser
            .click_button_in(&shot_card(n), "Resubmit on another server")
            .await?;
    }
    Ok(())
}

/// Waits until each of `shots` shows a take done on `sim`.
async fn wait_done_on(
    browser: &Browser,
    shots: impl IntoIterator<Item = usize>,
    sim: &Sim,
) -> anyhow::Result<()> {
    let done_on = format!("on {}", host(sim));
    for n in shots {
        let end = browser
            .wait_for_text(&status(n), |t| t.starts_with("Done") && t.ends_with(&done_on))
            .await?;
        assert!(end.starts_with("Done in "), "shot {n}: {end}");
    }
    Ok(())
}

#[tokio::test]
async fn generate_all_spreads_shots_over_two_servers_and_lost_ones_move_to_the_other() -> anyhow::Result<()> {
    let (first, second, _site, browser) = start_two_server_run(SHOTS).await?;
    browser.screenshot("pool-two-servers-running").await?;

    // The second server restarts and forgets its prompts: its jobs end Lost once the
    // reconciler sees it again; nothing new was sent to it while it was away.
    second
        .set_faults(serde_json::json!({"restart": true, "restart_ms": 3_000}))
        .await?;
    let mut lost = Vec::new();
    for n in 1..=SHOTS {
        let end = browser
            .wait_for_text(&status(n), |t| t.starts_with("Done") || t.starts_with("Lost"))
            .await?;
        if end.starts_with("Lost") {
            lost.push(n);
        } else {
            assert!(
                end.contains(&host(&first)),
                "shot {n} finished on the first server: {end}"
            );
        }
    }
    assert!(
        lost.contains(&2),
        "the shot running on the restarted server is Lost"
    );
    browser.screenshot("pool-lost-on-second").await?;

    move_to_another_server(&browser, &lost).await?;
    wait_done_on(&browser, lost.iter().copied(), &first).await?;
    browser.screenshot("pool-resubmitted-on-first").await?;
    browser.close().await?;
    first.stop().await;
    second.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_killed_server_s_shots_say_so_and_finish_on_the_other() -> anyhow::Result<()> {
    const KILL_SHOTS: usize = 6;
    let (first, second, _site, browser) = start_two_server_run(KILL_SHOTS).await?;
    // Killed, not restarted: its queue and running shot die with it, and it never answers
    // again, so no reconcile can say what became of them.
    let (second_host, second_url) = (host(&second), second.url());
    second.stop().await;

    // The shots it held (the running one, maybe one queued) say since when it is gone and
    // offer to move; the others never go to it and finish on the first.
    let mut stranded = Vec::new();
    for n in 1..=KILL_SHOTS {
        let line = browser
            .wait_for_text(&status(n), |t| {
                t.starts_with("Done") || t.contains("server unreachable since")
            })
            .await?;
        if line.contains("server unreachable since") {
            assert!(line.contains(&second_host), "shot {n}: {line}");
            stranded.push(n);
        } else {
            assert!(
                line.ends_with(&format!("on {}", host(&first))),
                "shot {n}: {line}"
            );
        }
    }
    assert!(
        stranded.contains(&2),
        "the shot running on the killed server: {stranded:?}"
    );
    browser
        .wait_for_text(
            &format!(".servers-panel [role=group][aria-label='Server {second_url}'] .badge-warn"),
            |t| t.starts_with("Unreachable since"),
        )
        .await?;
    browser.screenshot_at(&shot_card(2), "pool-server-killed").await?;

    move_to_another_server(&browser, &stranded).await?;
    wait_done_on(&browser, 1..=KILL_SHOTS, &first).await?;
    // The abandoned run is kept as a take that says what happened to it.
    browser
        .wait_for_text(&format!("{} .take-count", shot_card(2)), |t| t == "Take 2 of 2")
        .await?;
    browser
        .wait_for_element(Locator::Css(&format!(
            "{} button[aria-label='Previous take']",
            shot_card(2)
        )))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(&status(2), |t| {
            t.starts_with("Lost — its server stopped answering")
        })
        .await?;
    browser
        .screenshot_at(&shot_card(2), "pool-killed-moved-to-first")
        .await?;
    browser.close().await?;
    first.stop().await;
    Ok(())
}
