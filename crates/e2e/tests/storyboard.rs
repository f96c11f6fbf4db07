//! Writing a storyboard as a person does: scenes, shots, prompts, undo, reload.

use fantoccini::Locator;
use shotline_e2e::{Browser, StaticSite, shot_card};

#[tokio::test]
async fn a_first_visit_starts_with_one_draft_shot_and_a_helpful_start() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    let state = browser
        .wait_for_text(&format!("{} [role=status]", shot_card(1)), |t| !t.is_empty())
        .await?;
    assert_eq!(state, "Draft");
    let welcome = browser
        .wait_for_text(".welcome", |t| t.contains("Connecting to ComfyUI"))
        .await?;
    assert!(
        welcome.contains("leave Server URL empty"),
        "explains the proxy setup: {welcome}"
    );
    assert_eq!(browser.shot_count().await?, 1);
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
        .wait_for_text(&format!("{} [role=status]", shot_card(1)), |t| t == "Draft")
        .await?;

    browser.click_button("Add scene").await?;
    browser
        .wait_for_text(&format!("{} h3", shot_card(2)), |t| t == "Shot 2")
        .await?;
    browser.click_button("Add shot").await?; // the first scene's button comes first
    browser
        .wait_for_text(&format!("{} h3", shot_card(3)), |t| t == "Shot 3")
        .await?;
    assert_eq!(browser.shot_count().await?, 3);

    let prompt = browser
        .client
        .find(Locator::Css(&format!("{} textarea", shot_card(1))))
        .await?;
    prompt
        .send_keys("A lighthouse at dusk, \"quoted\" <b>not bold</b> 🌊")
        .await?;
    browser.client.find(Locator::Css("h1")).await?.click().await?; // blur: the edit is committed
    let prompt_css = format!("{} textarea", shot_card(1));
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
        .wait_for_text(&format!("{} h3", shot_card(3)), |t| t == "Shot 3")
        .await?;
    let restored = browser
        .client
        .find(Locator::Css(&format!("{} textarea", shot_card(1))))
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

/// The prompts of every shot in timeline order.
async fn prompts(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let mut prompts = Vec::new();
    for n in 1..=browser.shot_count().await? {
        let field = browser
            .client
            .find(Locator::Css(&format!("{} textarea", shot_card(n))))
            .await?;
        prompts.push(field.prop("value").await?.unwrap_or_default());
    }
    Ok(prompts)
}

async fn wait_for_prompts(browser: &Browser, expected: &[&str]) -> anyhow::Result<()> {
    let mut last = Vec::new();
    for _ in 0..50 {
        last = prompts(browser).await?;
        if last == expected {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("prompts are {last:?}, expected {expected:?}")
}

/// Alt+↑ as a real key chord, sent to whatever has the focus.
async fn press_alt_up(browser: &Browser) -> anyhow::Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use fantoccini::key::Key;
    let (alt, up) = (char::from(Key::Alt), char::from(Key::Up));
    let chord = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: alt })
        .then(KeyAction::Down { value: up })
        .then(KeyAction::Up { value: up })
        .then(KeyAction::Up { value: alt });
    browser.client.perform_actions(chord).await?;
    Ok(())
}

#[tokio::test]
async fn shots_move_with_alt_arrows_and_the_arrow_buttons_across_scenes_and_undo_puts_them_back()
-> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.wait_for_element(Locator::Css(&shot_card(1))).await?;
    browser.click_button("Add shot").await?;
    browser.wait_for_element(Locator::Css(&shot_card(2))).await?;
    browser.click_button("Add scene").await?;
    browser.wait_for_element(Locator::Css(&shot_card(3))).await?;
    for (n, text) in [(1, "alpha"), (2, "bravo"), (3, "charlie")] {
        let field = browser
            .client
            .find(Locator::Css(&format!("{} textarea", shot_card(n))))
            .await?;
        field.send_keys(text).await?;
    }
    browser.client.find(Locator::Css("h1")).await?.click().await?;
    wait_for_prompts(&browser, &["alpha", "bravo", "charlie"]).await?;

    // Alt+↑ from inside the last shot (scene 2) moves it onto the end of scene 1, then
    // past "bravo": the keyboard focus stays in the moved card, so the keys repeat.
    let field = browser
        .client
        .find(Locator::Css(&format!("{} textarea", shot_card(3))))
        .await?;
    field.click().await?;
    press_alt_up(&browser).await?;
    let mut second_scene_shots = usize::MAX;
    for _ in 0..50 {
        second_scene_shots = browser
            .client
            .find_all(Locator::Css("section.scene:nth-of-type(2) [role=group]"))
            .await?
            .len();
        if second_scene_shots == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        second_scene_shots, 0,
        "charlie left scene 2 for the end of scene 1"
    );
    wait_for_prompts(&browser, &["alpha", "bravo", "charlie"]).await?;
    press_alt_up(&browser).await?;
    wait_for_prompts(&browser, &["alpha", "charlie", "bravo"]).await?;

    browser
        .client
        .find(Locator::Css(&format!(
            "{} [aria-label='Move shot up']",
            shot_card(2)
        )))
        .await?
        .click()
        .await?;
    wait_for_prompts(&browser, &["charlie", "alpha", "bravo"]).await?;
    browser.screenshot("storyboard-reordered").await?;

    browser.click_button("Undo").await?;
    wait_for_prompts(&browser, &["alpha", "charlie", "bravo"]).await?;
    browser.close().await?;
    Ok(())
}
