//! The soak's hold on the app's tab: observe.js's records collected into the test (they
//! survive reloads there), reloads, and a second tab of the same app opened and closed.
//! WebDriver talks to one window at a time, so every use of the app's tab and every
//! switch of windows goes through one lock: a poll never lands in the second tab.

use std::sync::Mutex;

use anyhow::{Context, Result};
use fantoccini::wd::WindowHandle;
use serde_json::{Value, json};
use shotline_e2e::Browser;

use super::cards::{Card, Records};

pub struct Page<'a> {
    browser: &'a Browser,
    site_url: String,
    main: WindowHandle,
    window: tokio::sync::Mutex<Option<WindowHandle>>,
    records: Mutex<Records>,
}

impl<'a> Page<'a> {
    pub async fn new(browser: &'a Browser, site_url: String) -> Result<Self> {
        Ok(Self {
            main: browser.client.window().await?,
            browser,
            site_url,
            window: tokio::sync::Mutex::new(None),
            records: Mutex::new(Records::default()),
        })
    }

    fn records(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// observe.js's counts for the page as it is now (a reload starts them afresh).
    pub async fn summary(&self) -> Result<Value> {
        let _window = self.window.lock().await;
        self.script("return window.__shotlineSoak.summary();").await
    }

    /// Folds the cards that changed since the last look into the test's records.
    pub async fn collect(&self) -> Result<()> {
        let _window = self.window.lock().await;
        self.collect_here().await
    }

    async fn collect_here(&self) -> Result<()> {
        let (page, since_ms) = self.records().since();
        let answer = self
            .browser
            .client
            .execute(
                "return window.__shotlineSoak.cards(arguments[0], arguments[1]);",
                vec![json!(page), json!(since_ms)],
            )
            .await?;
        // Right after a reload the page may not have run observe.js yet: nothing to fold.
        self.records().absorb(&answer);
        Ok(())
    }

    pub fn cards(&self) -> Vec<Card> {
        self.records().cards()
    }

    pub fn finished(&self) -> usize {
        self.records().finished()
    }

    /// Collects what the page shows, then reloads it and waits for the new document.
    pub async fn reload(&self) -> Result<()> {
        let _window = self.window.lock().await;
        self.collect_here().await?;
        self.browser.client.refresh().await.context("reloading the app")?;
        Ok(())
    }

    /// Waits (up to `patience`) for a card to show Submitting, then reloads at once: the
    /// page goes away between the job's save and its POST's answer.
    pub async fn reload_while_submitting(&self, patience: std::time::Duration) -> Result<bool> {
        let until = std::time::Instant::now() + patience;
        let _window = self.window.lock().await;
        loop {
            let summary = self.script("return window.__shotlineSoak.summary();").await?;
            let submitting = summary["states"]["Submitting"].as_u64().unwrap_or(0) > 0;
            if submitting || std::time::Instant::now() >= until {
                self.collect_here().await?;
                self.browser.client.refresh().await.context("reloading the app")?;
                return Ok(submitting);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Opens the app in a second window (it follows the queue this tab runs, or runs it
    /// while this tab reloads); the app's tab stays the one WebDriver talks to.
    pub async fn open_second_tab(&self) -> Result<()> {
        let mut window = self.window.lock().await;
        if window.is_some() {
            return Ok(());
        }
        let client = &self.browser.client;
        let opened = client.new_window(false).await?.handle;
        client.switch_to_window(opened.clone()).await?;
        let loaded = client.goto(&self.site_url).await;
        client.switch_to_window(self.main.clone()).await?;
        *window = Some(opened);
        loaded.context("opening the app in a second tab")?;
        Ok(())
    }

    pub async fn close_second_tab(&self) -> Result<()> {
        let mut window = self.window.lock().await;
        let Some(opened) = window.take() else {
            return Ok(());
        };
        let client = &self.browser.client;
        client.switch_to_window(opened).await?;
        let closed = client.close_window().await;
        client.switch_to_window(self.main.clone()).await?;
        closed.context("closing the second tab")?;
        Ok(())
    }

    /// The cards that show no job now: `(label, state line)`.
    pub async fn without_job(&self) -> Result<Vec<(String, String)>> {
        let _window = self.window.lock().await;
        let answer = self.script("return window.__shotlineSoak.without_job();").await?;
        Ok(answer
            .as_array()
            .map(|cards| {
                cards
                    .iter()
                    .map(|card| {
                        let text = |key: &str| card[key].as_str().unwrap_or_default().to_owned();
                        (text("label"), text("text"))
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn script(&self, source: &str) -> Result<Value> {
        Ok(self.browser.client.execute(source, vec![]).await?)
    }
}
