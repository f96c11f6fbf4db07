//! Two comfy-sim servers as one pool: Generate all spreads shots over both; when one
//! restarts mid-run its jobs end Lost, and "Resubmit on another server" finishes them on
//! the other.

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

#[tokio::test]
async fn generate_all_spreads_shots_over_two_servers_and_lost_ones_move_to_the_other() -> anyhow::Result<()> {
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
    for _ in 1..SHOTS {
        add_shot.click().await?;
    }
    browser.wait_for_element(Locator::Css(&shot_card(SHOTS))).await?;
    for n in 1..=SHOTS {
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

    for &n in &lost {
        let card = browser.wait_for_element(Locator::Css(&shot_card(n))).await?;
        card.find(Locator::XPath(
            ".//button[normalize-space(.)='Resubmit on another server']",
        ))
        .await?
        .click()
        .await?;
    }
    let done_on_first = format!("on {}", host(&first));
    for &n in &lost {
        let end = browser
            .wait_for_text(&status(n), |t| {
                t.starts_with("Done") && t.ends_with(&done_on_first)
            })
            .await?;
        assert!(end.starts_with("Done in "), "shot {n}: {end}");
    }
    browser.screenshot("pool-resubmitted-on-first").await?;
    browser.close().await?;
    first.stop().await;
    second.stop().await;
    Ok(())
}
