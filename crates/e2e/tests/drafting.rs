//! Story drafting as a person does it: a logline becomes scenes and shots through a local
//! OpenAI-compatible LLM (streamed, with a slow first token), through nothing at all (the
//! built-in drafter), and an LLM that fails leaves the project as it was.

use std::time::Duration;

use fantoccini::Locator;
use shotline_e2e::{Browser, FAKE_MODEL, FakeLlm, LlmAnswer, StaticSite, shot_card};

const LOGLINE: &str = "A retired lighthouse keeper finds a message in a bottle written by her future self.";

/// Opens the Story draft panel and its LLM settings, and points them at `llm_url`.
async fn open_drafting(browser: &Browser, site: &StaticSite, llm_url: &str) -> anyhow::Result<()> {
    browser.client.goto(&site.url()).await?;
    browser.wait_for_element(Locator::Css(&shot_card(1))).await?;
    for summary in ["Story draft", "LLM settings"] {
        browser
            .wait_for_element(Locator::XPath(&format!(
                "//summary[normalize-space(.)='{summary}']"
            )))
            .await?
            .click()
            .await?;
    }
    browser.fill_and_submit("llm-url", llm_url).await?;
    let logline = browser.wait_for_element(Locator::Id("draft-logline")).await?;
    logline.send_keys(LOGLINE).await?;
    Ok(())
}

#[tokio::test]
async fn a_local_llm_drafts_three_scenes_of_four_shots_accepted_and_undone_in_one_step() -> anyhow::Result<()>
{
    let llm = FakeLlm::start(LlmAnswer::Draft {
        first_token_delay: Duration::from_millis(1500),
    })
    .await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    open_drafting(&browser, &site, &llm.base_url()).await?;

    browser.click_button("Check LLM").await?;
    let health = browser
        .wait_for_text(".llm-health", |t| t.starts_with("Connected"))
        .await?;
    assert_eq!(
        health, "Connected — 1 chat model available.",
        "the embedding model is left out"
    );
    browser.wait_for_value("#llm-model", |v| v == FAKE_MODEL).await?;

    browser.click_button("Draft with LLM").await?;
    // The slow first token: the page says it is asking, and offers Cancel meanwhile.
    browser
        .wait_for_text(".draft-status", |t| t.starts_with("Asking the LLM at"))
        .await?;
    browser
        .wait_for_element(Locator::XPath("//button[normalize-space(.)='Cancel']"))
        .await?;
    // Then the words arrive before the draft is done.
    browser.wait_for_element(Locator::Css(".draft-stream")).await?;
    browser.screenshot_at(".draft-panel", "draft-streaming").await?;
    let status = browser
        .wait_for_text(".draft-status", |t| t.starts_with("The LLM wrote a draft"))
        .await?;
    assert!(status.contains("3 scenes, 12 shots"), "{status}");
    assert_eq!(
        browser.client.find_all(Locator::Css(".draft-shot")).await?.len(),
        12
    );
    assert_eq!(browser.shot_count().await?, 1, "nothing is added before Accept");
    browser.screenshot_at(".draft-preview", "draft-preview").await?;

    browser.click_button("Accept draft").await?;
    browser.wait_for_element(Locator::Css(&shot_card(12))).await?;
    assert_eq!(
        browser.shot_count().await?,
        12,
        "the new project's blank shot made way for the draft"
    );
    let first_prompt = browser
        .wait_for_value(&format!("{} textarea", shot_card(1)), |v| !v.is_empty())
        .await?;
    assert!(
        first_prompt.to_lowercase().contains("lighthouse"),
        "{first_prompt}"
    );
    browser.screenshot("draft-accepted").await?;

    browser.click_button("Undo").await?;
    for _ in 0..50 {
        if browser.shot_count().await? == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser.shot_count().await?,
        1,
        "one Undo takes the whole draft out"
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn an_llm_error_is_explained_and_the_project_is_untouched() -> anyhow::Result<()> {
    let llm = FakeLlm::start(LlmAnswer::Error).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    open_drafting(&browser, &site, &llm.base_url()).await?;
    browser.click_button("Draft with LLM").await?;
    let problem = browser
        .wait_for_text(".draft-panel .field-error", |t| !t.is_empty())
        .await?;
    assert!(
        problem.contains("(500)") && problem.contains("Model crashed while loading"),
        "{problem}"
    );
    assert!(
        browser
            .client
            .find_all(Locator::Css(".draft-preview"))
            .await?
            .is_empty()
    );
    assert_eq!(browser.shot_count().await?, 1);
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn with_no_llm_running_the_built_in_drafter_writes_the_draft_and_says_so() -> anyhow::Result<()> {
    // Nothing listens on a port that was just free.
    let free = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    open_drafting(&browser, &site, &format!("http://{free}/v1")).await?;
    browser.click_button("Draft with LLM").await?;
    let status = browser
        .wait_for_text(".draft-status", |t| t.contains("built-in drafter"))
        .await?;
    assert!(status.contains("could not be reached"), "says why: {status}");
    assert!(status.contains("3 scenes, 12 shots"), "{status}");
    browser.click_button("Accept draft").await?;
    browser.wait_for_element(Locator::Css(&shot_card(12))).await?;
    assert_eq!(browser.shot_count().await?, 12);
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn cancel_stops_a_draft_that_has_not_started_writing() -> anyhow::Result<()> {
    let llm = FakeLlm::start(LlmAnswer::Draft {
        first_token_delay: Duration::from_secs(60),
    })
    .await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    open_drafting(&browser, &site, &llm.base_url()).await?;
    browser.click_button("Draft with LLM").await?;
    browser
        .wait_for_text(".draft-status", |t| t.starts_with("Asking the LLM at"))
        .await?;
    browser.click_button("Cancel").await?;
    browser
        .wait_for_text(".draft-status", |t| t == "Stopped. The project is unchanged.")
        .await?;
    browser
        .wait_for_element(Locator::XPath("//button[normalize-space(.)='Draft with LLM']"))
        .await?;
    assert_eq!(browser.shot_count().await?, 1);
    browser.close().await?;
    Ok(())
}
