//! Headless Chromium through ChromeDriver, with the waits a person's eyes do.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};

use crate::env_path;

/// Long enough for a loaded 2-core CI machine; a passing run never waits this long.
const UI_TIMEOUT_S: u64 = 30;
const POLL_INTERVAL_MS: u64 = 100;
const DRIVER_START_TIMEOUT_S: u64 = 20;
const DESKTOP_WIDTH_PX: u32 = 1280;
const DESKTOP_HEIGHT_PX: u32 = 800;
pub const PHONE_WIDTH_PX: u32 = 390;
const PHONE_HEIGHT_PX: u32 = 844;

pub struct Browser {
    pub client: Client,
    _driver: DriverGroup,
    _profile: TempProfile,
}

impl Browser {
    /// A fresh headless Chromium (new profile: empty storage) at 1280×800.
    pub async fn desktop() -> Result<Self> {
        Self::start(DESKTOP_WIDTH_PX, DESKTOP_HEIGHT_PX, false).await
    }

    /// A 390 px wide phone viewport. Headless windows cannot be narrower than 500 px, so
    /// the width is set by Chromium's device emulation instead.
    pub async fn phone() -> Result<Self> {
        Self::start(PHONE_WIDTH_PX, PHONE_HEIGHT_PX, true).await
    }

    async fn start(width: u32, height: u32, emulate_device: bool) -> Result<Self> {
        let chromedriver = env_path("CHROMEDRIVER");
        let chromium = env_path("CHROMIUM");
        let port = free_port()?;
        let driver = DriverGroup(
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("starting {}", chromedriver.display()))?,
        );
        wait_for_port(port).await?;
        let profile = TempProfile::new()?;
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // The flags shared/TOOLCHAIN.md found to work headless, as root, offline.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.0.display()),
                    format!("--window-size={width},{height}"),
                ],
            },
        });
        let mut capabilities = capabilities;
        if emulate_device {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 },
            });
        }
        let serde_json::Value::Object(capabilities) = capabilities else {
            bail!("capabilities must be a JSON object");
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("ChromeDriver did not start a Chromium session")?;
        Ok(Self {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// The browser's profile folder, named on its command line (a test finds the browser's
    /// processes by it).
    pub fn profile_dir(&self) -> &std::path::Path {
        &self._profile.0
    }

    /// Raises WebDriver's limits for one script call and one navigation, for benchmarks
    /// whose pages work longer than a test's do; elements are never waited for implicitly.
    pub async fn allow_slow_pages(&self, script: Duration, page_load: Duration) -> Result<()> {
        self.client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(script),
                Some(page_load),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(())
    }

    /// Waits until the element matching `css` has text satisfying `check`; returns it.
    pub async fn wait_for_text(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(UI_TIMEOUT_S);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if check(&text) {
                    return Ok(text);
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(POLL_INTERVAL_MS)).await;
        }
        bail!("after {UI_TIMEOUT_S} s, `{css}` still shows {last:?}")
    }

    /// Waits until the form value of the field matching `css` satisfies `check`.
    pub async fn wait_for_value(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(UI_TIMEOUT_S);
        let mut last = None;
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(Some(value)) = element.prop("value").await
            {
                if check(&value) {
                    return Ok(value);
                }
                last = Some(value);
            }
            tokio::time::sleep(Duration::from_millis(POLL_INTERVAL_MS)).await;
        }
        bail!("after {UI_TIMEOUT_S} s, `{css}` has value {last:?}")
    }

    /// Replaces the text of the field with this label and submits its form with Enter.
    pub async fn fill_and_submit(&self, field_id: &str, text: &str) -> Result<()> {
        let field = self.wait_for_element(Locator::Id(field_id)).await?;
        field.clear().await?;
        field.send_keys(&format!("{text}\u{E007}")).await?;
        Ok(())
    }

    /// Clicks the button named `name` inside the first element matching `scope_css` (e.g.
    /// "Generate" inside one shot card).
    pub async fn click_button_in(&self, scope_css: &str, name: &str) -> Result<()> {
        let scope = self.wait_for_element(Locator::Css(scope_css)).await?;
        scope
            .find(Locator::XPath(&format!(".//button[normalize-space(.)='{name}']")))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Enters `server_url` as the Server URL and waits for "Connected".
    pub async fn connect(&self, server_url: &str) -> Result<()> {
        self.fill_and_submit("server-url", server_url).await?;
        self.wait_for_text(".connection", |t| t.starts_with("Connected"))
            .await?;
        Ok(())
    }

    /// Adds `address` in the Servers panel (which must be open) and waits for its row.
    /// Returns that row.
    pub async fn add_server(&self, address: &str) -> Result<fantoccini::elements::Element> {
        self.fill_and_submit("new-server-url", address).await?;
        self.wait_for_element(Locator::Css(&format!(
            ".servers-panel [role=group][aria-label='Server {address}']"
        )))
        .await
    }

    /// Adds the bundled workflow `bundled_id` and waits for its profile, whose name
    /// contains `name`.
    pub async fn add_bundled_workflow(&self, bundled_id: &str, name: &str) -> Result<()> {
        self.click_button("Import workflow").await?;
        let select = self
            .wait_for_element(Locator::Css(".workflow-import-form select"))
            .await?;
        select.select_by_value(bundled_id).await?;
        self.click_button("Add bundled workflow").await?;
        self.wait_for_value(".profile-list input", |value| value.contains(name))
            .await?;
        Ok(())
    }

    /// Pastes an API- or editor-format workflow into Import workflow and waits for its
    /// profile.
    pub async fn import_pasted_workflow(&self, json: &str) -> Result<()> {
        self.click_button("Import workflow").await?;
        self.wait_for_element(Locator::Css(".workflow-import-form textarea"))
            .await?
            .send_keys(json)
            .await?;
        self.click_button("Import pasted JSON").await?;
        self.wait_for_element(Locator::Css(".profile-list input")).await?;
        Ok(())
    }

    /// Presses Generate in Shot `n` and waits until its state line passes `until`;
    /// returns that line.
    pub async fn generate_shot(&self, n: usize, until: impl Fn(&str) -> bool) -> Result<String> {
        let card = crate::shot_card(n);
        self.click_button_in(&card, "Generate").await?;
        self.wait_for_text(&format!("{card} [role=status]"), until).await
    }

    /// Types `text` into Shot `n`'s prompt and leaves the field, which saves it.
    pub async fn write_prompt(&self, n: usize, text: &str) -> Result<()> {
        let prompt = self
            .wait_for_element(Locator::Css(&format!("{} textarea", crate::shot_card(n))))
            .await?;
        prompt.send_keys(text).await?;
        self.client.find(Locator::Css("h1")).await?.click().await?;
        Ok(())
    }

    /// How many shot cards the storyboard shows.
    pub async fn shot_count(&self) -> Result<usize> {
        Ok(self
            .client
            .find_all(Locator::Css("[role=group][aria-label^='Shot ']"))
            .await?
            .len())
    }

    pub async fn click_button(&self, name: &str) -> Result<()> {
        let xpath = format!("//button[normalize-space(.)='{name}']");
        self.wait_for_element(Locator::XPath(&xpath))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Waits until an element is on the page (the app renders after its database opens).
    pub async fn wait_for_element(&self, locator: Locator<'_>) -> Result<fantoccini::elements::Element> {
        let deadline = Instant::now() + Duration::from_secs(UI_TIMEOUT_S);
        loop {
            match self.client.find(locator).await {
                Ok(element) => return Ok(element),
                Err(error) if Instant::now() >= deadline => {
                    bail!("after {UI_TIMEOUT_S} s, {locator:?} is not on the page: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(POLL_INTERVAL_MS)).await,
            }
        }
    }

    /// Scrolls the element matching `css` to the middle of the window, then saves a PNG.
    pub async fn screenshot_at(&self, css: &str, name: &str) -> Result<PathBuf> {
        self.client
            .execute(
                "document.querySelector(arguments[0])?.scrollIntoView({block: 'center'});",
                vec![serde_json::json!(css)],
            )
            .await?;
        self.screenshot(name).await
    }

    /// Saves a PNG under target/e2e-screenshots/ for people to look at.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = env_path("SHOTLINE_E2E_SCREENSHOTS");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(DRIVER_START_TIMEOUT_S);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(POLL_INTERVAL_MS)).await;
    }
    bail!("ChromeDriver did not listen on port {port} within {DRIVER_START_TIMEOUT_S} s")
}

/// ChromeDriver in a process group of its own, with the Chromium it starts. A driver
/// killed alone leaves its browser running with no parent (issue 15 found one after
/// `cargo xtask test` had exited), so the whole group is killed: a test that fails
/// before closing its session still ends its browser.
struct DriverGroup(Child);

impl Drop for DriverGroup {
    fn drop(&mut self) {
        if let Some(pid) = self.0.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A Chromium profile directory removed afterwards.
struct TempProfile(PathBuf);

impl TempProfile {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "shotline-e2e-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempProfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
