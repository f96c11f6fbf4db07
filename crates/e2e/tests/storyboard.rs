//! Writing a storyboard as a person does: scenes, shots, prompts, undo, reload.

use fantoccini::Locator;
use shotline_e2e::{Browser, StaticSite};

fn shot(n: usize) -> String {
    format!("[role=group][aria-label='Shot {n}']")
}

async fn shot_count(browser: &Browser) -> anyhow::Result<usize> {
    Ok(browser
        .client
        .find_all(Locator::Css("[role=group][aria-label^='Shot ']"))
        .await?
        .len())
}

#[tokio::test]
async fn a_first_visit_starts_with_one_draft_shot_and_a_helpful_start() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    let state = browser
        .wait_for_text(&format!("{} [role=status]", shot(1)), |t| !t.is_empty())
        .await?;
    assert_eq!(state, "Draft");
    let welcome = browser
        .wait_for_text(".welcome", |t| t.contains("Connecting to ComfyUI"))
        .await?;
    assert!(
        welcome.contains("leave Server URL empty"),
        "explains the proxy setup: {welcome}"
    );
    assert_eq!(shot_count(&browser).await?, 1);
    browser.screenshot("storyboard-first-run").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn scenes_shots_and_prompts_survive_a_reload_and_undo_works() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser
        .wait_for_text(&format!("{} [role=status]", shot(1)), |t| t == "Draft")
        .await?;

    browser.click_button("Add scene").await?;
    browser
        .wait_for_text(&format!("{} h3", shot(2)), |t| t == "Shot 2")
        .await?;
    browser.click_button("Add shot").await?; // the first scene's button comes first
    browser
        .wait_for_text(&format!("{} h3", shot(3)), |t| t == "Shot 3")
        .await?;
    assert_eq!(shot_count(&browser).await?, 3);

    let prompt = browser
        .client
        .find(Locator::Css(&format!("{} textarea", shot(1))))
        .await?;
    prompt
        .send_keys("A lighthouse at dusk, \"quoted\" <b>not bold</b> 🌊")
        .await?;
    browser.client.find(Locator::Css("h1")).await?.click().await?; // blur: the edit is committed
    let prompt_css = format!("{} textarea", shot(1));
    browser
        .wait_for_value(&prompt_css, |v| v.starts_with("A lighthouse"))
        .await?;
    browser.click_button("Undo").await?;
    browser.wait_for_value(&prompt_css, str::is_empty).await?;
    browser.click_button("Redo").await?;
    browser
        .wait_for_value(&prompt_css, |v| v.starts_with("A lighthouse"))
        .await?;
    // Saves are debounced: wait until the redo has been written, then reload.
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.client.refresh().await?;
    browser
        .wait_for_text(&format!("{} h3", shot(3)), |t| t == "Shot 3")
        .await?;
    let restored = browser
        .client
        .find(Locator::Css(&format!("{} textarea", shot(1))))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        restored.as_deref(),
        Some("A lighthouse at dusk, \"quoted\" <b>not bold</b> 🌊")
    );
    assert!(
        browser.client.find(Locator::Css("b")).await.is_err(),
        "prompt text is never HTML"
    );
    browser.screenshot("storyboard-three-shots").await?;
    browser.close().await?;
    Ok(())
}
