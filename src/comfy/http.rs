//! ComfyUI's REST API over gloo-net: typed methods, typed errors.
//!
//! Requests carry no credentials and no headers beyond the CORS-safelisted ones, because
//! ComfyUI's `--enable-cors-header` allows only `Content-Type` and `Authorization` and
//! answers `Access-Control-Allow-Origin: *`, which browsers refuse with credentials.

use gloo_net::http::{Request, Response};
use shotline_model::server_url::{ServerUrl, cors_command};
use shotline_protocol::SystemStats;
use web_sys::{RequestCredentials, RequestMode};

/// How long an error body may be when shown to a person.
const ERROR_BODY_MAX_CHARS: usize = 2_000;

/// Everything that can go wrong talking to ComfyUI, each with what the user should do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComfyError {
    #[error("No ComfyUI answers at {url}. Start ComfyUI, or check the address and port.")]
    Unreachable { url: String },
    #[error(
        "ComfyUI at {url} is running but refused this page ({page_origin}) with its origin check. \
         Restart it with: {command}"
    )]
    OriginRejected {
        url: String,
        page_origin: String,
        command: String,
    },
    #[error("{url} answered HTTP {status}{}", body_suffix(.body))]
    Http { url: String, status: u16, body: String },
    #[error("{url} answered, but not with ComfyUI's JSON ({reason}). Is this address a ComfyUI server?")]
    Decode { url: String, reason: String },
}

fn body_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", body.trim())
    }
}

/// A client for one server. Cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub struct ComfyClient {
    server: ServerUrl,
}

impl ComfyClient {
    pub fn new(server: ServerUrl) -> Self {
        Self { server }
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    /// `GET /api/system_stats`: version, OS, devices and their VRAM.
    pub async fn system_stats(&self) -> Result<SystemStats, ComfyError> {
        let url = self.server.api("/system_stats");
        let response = self.get(&url).await?;
        decode_json(&url, response).await
    }

    async fn get(&self, url: &str) -> Result<Response, ComfyError> {
        let sent = Request::get(url)
            .credentials(RequestCredentials::Omit)
            .send()
            .await;
        match sent {
            Ok(response) if response.ok() => Ok(response),
            Ok(response) => Err(http_error(url, response).await),
            Err(_) => Err(self.diagnose_network_failure(url).await),
        }
    }

    /// A cors-mode fetch fails the same way for a dead server and for one whose origin
    /// check (or missing CORS headers) refused us. A `no-cors` fetch still resolves with an
    /// opaque response when the server is up, which tells the two apart (PROTOCOL.md).
    async fn diagnose_network_failure(&self, url: &str) -> ComfyError {
        let probe = Request::get(url)
            .mode(RequestMode::NoCors)
            .credentials(RequestCredentials::Omit)
            .send()
            .await;
        match probe {
            Ok(_) if !self.server.is_same_origin() => self.origin_rejected(),
            _ => ComfyError::Unreachable {
                url: self.server.display().to_owned(),
            },
        }
    }

    fn origin_rejected(&self) -> ComfyError {
        let page_origin = page_origin();
        ComfyError::OriginRejected {
            url: self.server.display().to_owned(),
            command: cors_command(&page_origin),
            page_origin,
        }
    }
}

async fn http_error(url: &str, response: Response) -> ComfyError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    // ComfyUI's origin check answers a bare 403 with an empty body (trace k_origin_403).
    if status == 403 && body.trim().is_empty() {
        let page_origin = page_origin();
        return ComfyError::OriginRejected {
            url: url.to_owned(),
            command: cors_command(&page_origin),
            page_origin,
        };
    }
    ComfyError::Http {
        url: url.to_owned(),
        status,
        body: body.chars().take(ERROR_BODY_MAX_CHARS).collect(),
    }
}

async fn decode_json<T: serde::de::DeserializeOwned>(url: &str, response: Response) -> Result<T, ComfyError> {
    let text = response.text().await.map_err(|error| ComfyError::Decode {
        url: url.to_owned(),
        reason: error.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|error| ComfyError::Decode {
        url: url.to_owned(),
        reason: error.to_string(),
    })
}

/// `http://127.0.0.1:8080`: what ComfyUI's `--enable-cors-header` must name.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}
