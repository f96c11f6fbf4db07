//! The project list: more than one storyboard, and a delete that can be taken back.

use fantoccini::Locator;
use shotline_e2e::{Browser, StaticSite};

#[tokio::test]
async fn a_new_project_can_be_created_opened_and_its_delete_undone() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser
        .wait_for_value("#project-name", |name| name == "Untitled storyboard")
        .await?;

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
