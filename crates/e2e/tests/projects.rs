//! The project list: more than one storyboard, and a delete that can be taken back.

use fantoccini::Locator;
use shotline_e2e::{Browser, StaticSite};

/// A new browser on the app, its first storyboard loaded.
async fn first_visit(site: &StaticSite) -> anyhow::Result<Browser> {
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser
        .wait_for_value("#project-name", |name| name == "Untitled storyboard")
        .await?;
    Ok(browser)
}

#[tokio::test]
async fn a_new_project_can_be_created_opened_and_its_delete_undone() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = first_visit(&site).await?;

    browser
        .wait_for_element(Locator::Css(".projects-panel summary"))
        .await?
        .click()
        .await?;
    browser.click_button("New project").await?;
    browser
        .wait_for_value("#project-name", |name| name == "New storyboard")
        .await?;
    let rows = browser
        .wait_for_text(".project-list", |t| t.contains("Untitled storyboard"))
        .await?;
    assert!(
        rows.contains("New storyboard"),
        "both projects are listed: {rows}"
    );

    // Delete the first storyboard from the list, then take it back.
    let untitled = browser
        .wait_for_element(Locator::XPath(
            "//li[contains(@class,'project-row')][span[.='Untitled storyboard']]",
        ))
        .await?;
    untitled
        .find(Locator::XPath(".//button[normalize-space(.)='Delete']"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(".toast", |t| t.contains("Untitled storyboard"))
        .await?;
    let listed = browser
        .wait_for_text(".project-list", |t| !t.contains("Untitled storyboard"))
        .await?;
    assert!(listed.contains("New storyboard"));
    browser.click_button("Undo delete").await?;
    browser
        .wait_for_text(".project-list", |t| t.contains("Untitled storyboard"))
        .await?;

    let untitled = browser
        .wait_for_element(Locator::XPath(
            "//li[contains(@class,'project-row')][span[.='Untitled storyboard']]",
        ))
        .await?;
    untitled
        .find(Locator::XPath(".//button[normalize-space(.)='Open']"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_value("#project-name", |name| name == "Untitled storyboard")
        .await?;
    browser.screenshot("projects-list").await?;
    browser.close().await?;
    Ok(())
}

/// The wasm files the page has fetched so far, by file name.
async fn wasm_fetched(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let names = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource')
                .map(entry => new URL(entry.name).pathname.split('/').pop())
                .filter(name => name.endsWith('.wasm'));",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

/// The side panels' code comes with the panel, not with the page: the first load is the
/// storyboard's module alone, and opening "Projects" fetches its chunk once (issue 8:
/// first load <= 400 KB compressed; `cargo xtask dist` prints both totals).
#[tokio::test]
async fn a_side_panel_fetches_its_code_when_first_opened() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = first_visit(&site).await?;
    let first_load = wasm_fetched(&browser).await?;
    assert!(
        first_load.len() == 1 && first_load[0].ends_with("_bg.wasm"),
        "the first load fetches the app's module and no panel chunk: {first_load:?}"
    );

    let summary = browser
        .wait_for_element(Locator::Css(".projects-panel summary"))
        .await?;
    summary.click().await?;
    browser.click_button("New project").await?;
    browser
        .wait_for_value("#project-name", |name| name == "New storyboard")
        .await?;
    // Closed and opened again: the panel keeps its contents and fetches nothing more.
    summary.click().await?;
    summary.click().await?;
    browser
        .wait_for_text(".project-list", |t| t.contains("New storyboard"))
        .await?;
    let after = wasm_fetched(&browser).await?;
    let chunk = |name: &str| after.iter().filter(|fetched| fetched.as_str() == name).count();
    assert_eq!(chunk("split_shotline_projects.wasm"), 1, "fetched: {after:?}");
    assert_eq!(chunk("split_shotline_story_draft.wasm"), 0, "fetched: {after:?}");
    Ok(())
}
