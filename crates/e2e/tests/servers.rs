//! The Servers panel as a person uses it: add servers, test them, pick the one Generate
//! uses, remove one and take it back, and find local servers.

use fantoccini::Locator;
use fantoccini::elements::Element;
use shotline_e2e::{Browser, PHONE_WIDTH_PX, Sim, StaticSite};

const PANEL: &str = ".servers-panel";

fn row(address: &str) -> String {
    format!("{PANEL} [role=group][aria-label='Server {address}']")
}

async fn open_panel(browser: &Browser) -> anyhow::Result<()> {
    browser
        .wait_for_element(Locator::Css(&format!("{PANEL} > summary")))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn press(row: &Element, name: &str) -> anyhow::Result<()> {
    row.find(Locator::XPath(&format!(".//button[normalize-space(.)='{name}']")))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The panel is taller than the window: its heading goes to the top, not its middle.
async fn show_panel_from_the_top(browser: &Browser) -> anyhow::Result<()> {
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
            vec![serde_json::json!(PANEL)],
        )
        .await?;
    Ok(())
}

/// Adds `address` and presses its Test connection; returns the result once it is in.
async fn add_and_test(browser: &Browser, address: &str) -> anyhow::Result<String> {
    let server = browser.add_server(address).await?;
    press(&server, "Test connection").await?;
    browser
        .wait_for_text(&format!("{} .server-check", row(address)), |text| {
            !text.is_empty() && !text.starts_with("Testing")
        })
        .await
}

#[tokio::test]
async fn test_connection_shows_version_device_vram_queue_and_flags_and_use_makes_it_active()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    open_panel(&browser).await?;

    let report = add_and_test(&browser, &sim.url()).await?;
    assert!(
        report.starts_with("Connected: ComfyUI 0.3.64"),
        "report: {report}"
    );
    assert!(
        report.contains("comfy-sim (simulated CPU) · cpu"),
        "device: {report}"
    );
    let vram = browser
        .wait_for_text(&format!("{} .report-vram", row(&sim.url())), |t| !t.is_empty())
        .await?;
    assert!(
        vram.contains(" GiB free of ") && vram.ends_with("(system RAM)"),
        "VRAM in GiB, marked as system memory: {vram}"
    );
    let queue = browser
        .wait_for_text(&format!("{} .report-queue", row(&sim.url())), |t| !t.is_empty())
        .await?;
    assert_eq!(queue, "empty", "nothing runs on a fresh simulator");
    assert!(
        report.contains("supports_preview_metadata yes") && report.contains("max_upload_size 100.0 MiB"),
        "capability flags: {report}"
    );
    assert!(!report.contains("Low VRAM"), "a CPU device is not low on VRAM");

    // The page started on its own origin; "Use" makes the simulator the active server.
    press(
        &browser.wait_for_element(Locator::Css(&row(&sim.url()))).await?,
        "Use",
    )
    .await?;
    browser
        .wait_for_text(".connection", |t| t.starts_with("Connected"))
        .await?;
    browser
        .wait_for_value("#server-url", |value| value == sim.url())
        .await?;
    browser
        .wait_for_text(&row(&sim.url()), |t| t.contains("Active"))
        .await?;
    let socket = browser
        .wait_for_text(&format!("{PANEL} .socket-line"), |t| {
            t.contains("connected since")
        })
        .await?;
    assert!(socket.contains("last message"), "socket health: {socket}");
    show_panel_from_the_top(&browser).await?;
    browser.screenshot("servers-panel").await?;

    // Disabled servers stay listed; removing one can be taken back.
    let server = browser.wait_for_element(Locator::Css(&row(&sim.url()))).await?;
    server
        .find(Locator::Css("input[type=checkbox]"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(&row(&sim.url()), |t| t.contains("Disabled"))
        .await?;
    press(&server, "Remove").await?;
    browser
        .wait_for_text(&format!("{PANEL} .toast"), |t| t.starts_with("Removed"))
        .await?;
    assert!(
        browser.client.find(Locator::Css(&row(&sim.url()))).await.is_err(),
        "the row is gone"
    );
    browser.click_button("Undo remove").await?;
    browser
        .wait_for_text(&row(&sim.url()), |t| t.contains("Disabled"))
        .await?;

    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_server_refusing_the_page_origin_shows_the_command_to_copy() -> anyhow::Result<()> {
    // Without --enable-cors-header the simulator applies ComfyUI's origin check.
    let sim = Sim::start(&[]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    open_panel(&browser).await?;

    let result = add_and_test(&browser, &sim.url()).await?;
    assert!(result.starts_with("Refused by origin check"), "result: {result}");
    assert!(result.contains(&site.url()), "names the page origin: {result}");
    let command = browser
        .wait_for_text(&format!("{} .command-line", row(&sim.url())), |t| !t.is_empty())
        .await?;
    assert_eq!(
        command,
        format!("python main.py --enable-cors-header {}", site.url())
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn find_local_servers_asks_every_usual_port_and_says_which_are_silent() -> anyhow::Result<()> {
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    open_panel(&browser).await?;
    browser.click_button("Find local servers").await?;
    // A static host has no ComfyUI behind /api; what the ports answer depends on the machine.
    let summary = browser
        .wait_for_text(&format!("{PANEL} .discovery-results > .hint"), |t| {
            t.starts_with("No ComfyUI at") || t.starts_with("Every address")
        })
        .await?;
    assert!(
        summary.contains("this page's server (/api proxy)"),
        "summary: {summary}"
    );
    let results = browser
        .wait_for_text(&format!("{PANEL} .discovery-results"), |_| true)
        .await?;
    for port in [8188, 8000, 8189, 7821, 7860] {
        assert!(
            results.contains(&format!("127.0.0.1:{port}")),
            "port {port} is accounted for: {results}"
        );
    }
    browser
        .screenshot_at(&format!("{PANEL} .server-discovery"), "servers-discovery")
        .await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn the_panel_with_a_report_and_a_refusal_fits_a_390_px_phone() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let refusing = Sim::start(&[]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::phone().await?;
    browser.client.goto(&site.url()).await?;
    open_panel(&browser).await?;

    let report = add_and_test(&browser, &sim.url()).await?;
    assert!(report.contains("0.3.64"), "report: {report}");
    let refusal = add_and_test(&browser, &refusing.url()).await?;
    assert!(refusal.starts_with("Refused"), "refusal: {refusal}");

    let widths = browser
        .client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    let scroll_width = widths[0].as_u64().unwrap_or(u64::MAX);
    let viewport_width = widths[1].as_u64().unwrap_or(0);
    assert_eq!(viewport_width, u64::from(PHONE_WIDTH_PX));
    assert!(
        scroll_width <= viewport_width,
        "page is {scroll_width} px wide in a {viewport_width} px viewport"
    );
    show_panel_from_the_top(&browser).await?;
    browser.screenshot("servers-panel-390").await?;
    browser.close().await?;
    sim.stop().await;
    refusing.stop().await;
    Ok(())
}
