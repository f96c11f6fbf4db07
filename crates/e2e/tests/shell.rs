//! The app shell as a person meets it: it loads, finds the server, and explains refusals.

use fantoccini::Locator;
use shotline_e2e::{Browser, PHONE_WIDTH_PX, Sim, StaticSite};

const STATUS: &str = ".connection";

#[tokio::test]
async fn page_loads_and_shows_connected_with_the_simulators_device_name() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    assert_eq!(browser.client.title().await?, "Shotline");
    browser.wait_for_text("h1", |text| text == "Shotline").await?;

    browser.fill_and_submit("server-url", &sim.url()).await?;
    let status = browser
        .wait_for_text(STATUS, |text| text.starts_with("Connected"))
        .await?;
    assert!(status.contains("ComfyUI 0.3.64"), "status: {status}");
    assert!(
        status.contains("comfy-sim"),
        "the device name says it is a simulator: {status}"
    );
    assert!(
        status.contains("Simulator"),
        "the simulator badge shows: {status}"
    );
    browser.screenshot("shell-connected").await?;

    // The address is remembered across a reload.
    browser.client.refresh().await?;
    browser
        .wait_for_text(STATUS, |text| text.starts_with("Connected"))
        .await?;
    let field = browser.client.find(Locator::Id("server-url")).await?;
    assert_eq!(field.prop("value").await?.as_deref(), Some(sim.url().as_str()));

    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn origin_check_refusal_shows_the_exact_cors_command() -> anyhow::Result<()> {
    // Without --enable-cors-header the simulator applies ComfyUI's origin check, and the
    // app is on another port: the browser sees only a failed fetch.
    let sim = Sim::start(&[]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.fill_and_submit("server-url", &sim.url()).await?;
    let status = browser
        .wait_for_text(STATUS, |text| text.starts_with("Refused by origin check"))
        .await?;
    let command = browser
        .client
        .find(Locator::Css(".command-line"))
        .await?
        .text()
        .await?;
    assert_eq!(
        command,
        format!("python main.py --enable-cors-header {}", site.url())
    );
    assert!(status.contains(&site.url()), "names the page origin: {status}");
    browser.screenshot("shell-origin-refused").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_server_that_is_not_running_is_reported_unreachable_then_found_when_it_starts() -> anyhow::Result<()>
{
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let address = sim.url();
    sim.stop().await;
    browser.fill_and_submit("server-url", &address).await?;
    let status = browser
        .wait_for_text(STATUS, |text| text.starts_with("Unreachable"))
        .await?;
    assert!(status.contains(&address), "names the address: {status}");
    browser.screenshot("shell-unreachable").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn an_invalid_address_is_explained_next_to_the_field() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.fill_and_submit("server-url", "ftp://example").await?;
    let message = browser
        .wait_for_text("#server-url-error", |text| !text.is_empty())
        .await?;
    assert!(
        message.contains("not an http:// or https:// address"),
        "message: {message}"
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn the_shell_fits_a_390_px_phone_without_sideways_scrolling() -> anyhow::Result<()> {
    let sim = Sim::start(&[]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::phone().await?;
    browser.client.goto(&site.url()).await?;
    browser.fill_and_submit("server-url", &sim.url()).await?;
    // The longest state (the refusal with its command) is the one most likely to overflow.
    browser
        .wait_for_text(STATUS, |text| text.starts_with("Refused"))
        .await?;
    let widths = browser
        .client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let scroll_width = widths[0].as_u64().unwrap_or(u64::MAX);
    let viewport_width = widths[1].as_u64().unwrap_or(0);
    assert_eq!(
        viewport_width,
        u64::from(PHONE_WIDTH_PX),
        "the phone viewport is emulated"
    );
    assert!(
        scroll_width <= viewport_width,
        "page is {scroll_width} px wide in a {viewport_width} px viewport"
    );
    browser.screenshot("shell-phone-390").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// Processes whose command line names `needle` (a browser's profile folder).
fn processes_naming(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline).contains(needle).then_some(pid)
        })
        .collect()
}

/// A test that fails before closing its session drops its browser: the Chromium behind
/// ChromeDriver must end with it, not live on with no parent (issue 15).
#[tokio::test]
async fn a_browser_dropped_without_closing_leaves_no_chromium_running() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    browser.wait_for_text("h1", |text| text == "Shotline").await?;
    let profile = browser.profile_dir().to_string_lossy().into_owned();
    assert!(
        !processes_naming(&profile).is_empty(),
        "Chromium should be running with profile {profile}"
    );
    drop(browser);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut left = processes_naming(&profile);
    while !left.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = processes_naming(&profile);
    }
    assert!(left.is_empty(), "Chromium processes left running: {left:?}");
    Ok(())
}
