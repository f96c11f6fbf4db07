//! A comfy-sim process on a port of its own choosing, stopped when dropped.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::env_path;

const SIM_START_TIMEOUT_S: u64 = 60;

pub struct Sim {
    child: Child,
    pub port: u16,
}

impl Sim {
    /// Starts `comfy-sim --port 0 <flags>` and reads the port from its
    /// `comfy-sim listening on http://127.0.0.1:PORT` line.
    pub async fn start(flags: &[&str]) -> Result<Self> {
        let binary = env_path("COMFY_SIM_BIN");
        let mut child = Command::new(&binary)
            .args(["--listen", "127.0.0.1", "--port", "0"])
            .args(flags)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("comfy-sim stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(Duration::from_secs(SIM_START_TIMEOUT_S), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(port) = line.rsplit(':').next().and_then(|p| p.trim().parse::<u16>().ok())
                    && line.contains("listening on")
                {
                    return Ok(port);
                }
            }
            bail!("comfy-sim exited before it listened")
        })
        .await
        .context("comfy-sim did not say it was listening in time")??;
        // Keep draining its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self { child, port })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `POST /sim/faults` (the simulator must run with `--faults`).
    pub async fn set_faults(&self, faults: serde_json::Value) -> Result<()> {
        self.faults_request("POST", &faults.to_string()).await
    }

    /// `DELETE /sim/faults`: every fault off, a stalled socket delivers what it held.
    pub async fn clear_faults(&self) -> Result<()> {
        self.faults_request("DELETE", "").await
    }

    async fn faults_request(&self, method: &str, body: &str) -> Result<()> {
        self.request(method, "/sim/faults", body).await.map(drop)
    }

    /// `POST /api/history {"clear": true}`: ComfyUI's own route, as a person clearing the
    /// history in ComfyUI's queue panel.
    pub async fn clear_history(&self) -> Result<()> {
        self.request("POST", "/api/history", r#"{"clear": true}"#)
            .await
            .map(drop)
    }

    /// `POST path` with a JSON body, the answer read as JSON: `/api/prompt` from another
    /// person's client, for instance.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<serde_json::Value> {
        let answer = self.request("POST", path, &body.to_string()).await?;
        Ok(serde_json::from_str(&answer)?)
    }

    /// `GET path` on the simulator, read as JSON: `/queue`, `/sim/requests`, …
    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let body = self.request("GET", path, "").await?;
        Ok(serde_json::from_str(&body)?)
    }

    /// `GET /sim/requests`: how often each route (without `/api`) was asked, e.g. `/view`.
    pub async fn request_count(&self, route: &str) -> Result<u64> {
        let counts = self.get_json("/sim/requests").await?;
        Ok(counts.get(route).and_then(serde_json::Value::as_u64).unwrap_or(0))
    }

    /// One request on its own connection; the body of a 200 answer.
    async fn request(&self, method: &str, path: &str, body: &str) -> Result<String> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await?;
        if !response.starts_with("HTTP/1.1 200") {
            bail!(
                "{method} {path} answered {}",
                response.lines().next().unwrap_or_default()
            );
        }
        let Some((_, body)) = response.split_once("\r\n\r\n") else {
            bail!("{method} {path}: an answer without a body");
        };
        Ok(body.to_owned())
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
