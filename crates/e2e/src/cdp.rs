//! Chrome DevTools Protocol commands through ChromeDriver's `goog/cdp/execute` endpoint,
//! for what WebDriver cannot do: run a script in a page before the page's own scripts,
//! collect garbage and read the JavaScript heap.

use anyhow::{Context, Result};
use fantoccini::wd::WebDriverCompatibleCommand;

use crate::Browser;

#[derive(Debug)]
struct CdpCommand {
    method: &'static str,
    params: serde_json::Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        let session_id = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session_id}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.method, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs `source` at the start of every document this tab loads from now on, before
    /// the page's own scripts: the only way to observe a page from its first moment,
    /// since WebDriver's scripts run after navigation has finished.
    pub async fn run_at_every_document_start(&self, source: &str) -> Result<()> {
        self.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": source }),
        )
        .await?;
        Ok(())
    }

    /// Bytes of JavaScript heap the page still holds once garbage is collected: what it
    /// keeps, not what it has yet to free (performance.memory is rounded and includes
    /// garbage).
    pub async fn retained_heap_bytes(&self) -> Result<f64> {
        self.devtools("HeapProfiler.collectGarbage", serde_json::json!({}))
            .await?;
        let usage = self
            .devtools("Runtime.getHeapUsage", serde_json::json!({}))
            .await?;
        usage["usedSize"]
            .as_f64()
            .with_context(|| format!("Runtime.getHeapUsage answered {usage}"))
    }

    async fn devtools(&self, method: &'static str, params: serde_json::Value) -> Result<serde_json::Value> {
        self.client
            .issue_cmd(CdpCommand { method, params })
            .await
            .with_context(|| format!("ChromeDriver refused the DevTools command {method}"))
    }
}
