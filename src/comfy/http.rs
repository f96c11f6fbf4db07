//! ComfyUI's REST API over gloo-net: typed methods, typed errors. The only HTTP user.
//!
//! Requests carry no credentials and no headers beyond `Content-Type`, because ComfyUI's
//! `--enable-cors-header` allows only `Content-Type` and `Authorization` and answers
//! `Access-Control-Allow-Origin: *`, which browsers refuse with credentials.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shotline_model::server_url::{ServerUrl, cors_command, encode_query_value};
use shotline_model::workflow::ObjectInfo;
use shotline_protocol::http::{
    History, HistoryEntry, InterruptRequest, PromptAccepted, PromptRejected, PromptRequest, QueueRequest,
    QueueSnapshot, UploadedImage,
};
use shotline_protocol::ws::FeatureFlags;
use shotline_protocol::{OutputFile, SystemStats};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob, RequestCredentials, RequestMode};

use super::error::ComfyError;

/// The part of `GET /api/jobs` that tells a jobs API from anything else answering 200.
#[derive(serde::Deserialize)]
struct JobsPage {
    #[allow(dead_code, reason = "only its presence is checked")]
    jobs: Vec<serde::de::IgnoredAny>,
}

/// How long an error body may be when shown to a person.
const ERROR_BODY_MAX_CHARS: usize = 2_000;

/// A client for one server. Cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub struct ComfyClient {
    server: ServerUrl,
    /// Gives up on every request after this long (discovery, Test connection); `None`
    /// waits as long as the browser does.
    timeout_ms: Option<u32>,
}

impl ComfyClient {
    pub fn new(server: ServerUrl) -> Self {
        Self {
            server,
            timeout_ms: None,
        }
    }

    /// The same client, but each request is aborted after `timeout_ms` and counts as
    /// [`ComfyError::Unreachable`].
    pub fn with_timeout_ms(self, timeout_ms: u32) -> Self {
        Self {
            timeout_ms: Some(timeout_ms),
            ..self
        }
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    /// `GET /api/system_stats`: version, OS, devices and their VRAM.
    pub async fn system_stats(&self) -> Result<SystemStats, ComfyError> {
        self.get_json("/system_stats").await
    }

    /// `GET /api/features`, or `None` from servers older than the route (404).
    pub async fn features(&self) -> Result<Option<FeatureFlags>, ComfyError> {
        match self.get_json("/features").await {
            Ok(flags) => Ok(Some(flags)),
            Err(ComfyError::Http { status: 404, .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `POST /api/prompt`. A 400 becomes [`ComfyError::Validation`] with the per-node
    /// errors; anything else that is not 200 keeps its body (often plain text, not JSON).
    pub async fn submit(&self, request: &PromptRequest) -> Result<PromptAccepted, ComfyError> {
        let url = self.server.api("/prompt");
        let response = self.send(&url, self.post_json(&url, request)?).await;
        match response {
            Ok(response) => decode_json(&url, response).await,
            Err(ComfyError::Http {
                status: 400,
                body,
                url,
            }) => match serde_json::from_str::<PromptRejected>(&body) {
                Ok(rejected) => Err(ComfyError::Validation(Box::new(rejected))),
                Err(_) => Err(ComfyError::Http {
                    url,
                    status: 400,
                    body,
                }),
            },
            Err(error) => Err(error),
        }
    }

    /// `GET /api/object_info`: every node class the server has, read in document order
    /// (old servers give input order only that way).
    pub async fn object_info(&self) -> Result<ObjectInfo, ComfyError> {
        let url = self.server.api("/object_info");
        let response = self.send(&url, self.get_request(&url)?).await?;
        let text = response.text().await.map_err(|error| ComfyError::Decode {
            url: url.clone(),
            reason: error.to_string(),
        })?;
        ObjectInfo::from_json_str(&text).map_err(|error| ComfyError::Decode {
            url,
            reason: error.to_string(),
        })
    }

    /// `GET /api/queue`, with the workflows inside each item skipped while parsing.
    pub async fn queue(&self) -> Result<QueueSnapshot, ComfyError> {
        self.get_json("/queue").await
    }

    /// `GET /api/history/{id}`: `None` while the prompt is queued, running or unknown.
    pub async fn history_entry(&self, prompt_id: &str) -> Result<Option<HistoryEntry>, ComfyError> {
        let route = format!("/history/{}", encode_query_value(prompt_id));
        let history: History = self.get_json(&route).await?;
        Ok(history
            .0
            .into_iter()
            .find(|(id, _)| id == prompt_id)
            .map(|(_, entry)| entry))
    }

    /// `GET /api/view` of one output file: its bytes.
    /// The file as a browser `Blob`: its bytes stay out of wasm memory, for the browser
    /// to hash and encode off the main thread (`BrowserMedia`).
    pub async fn view(&self, file: &OutputFile) -> Result<Blob, ComfyError> {
        let url = self.view_url(file);
        let response: web_sys::Response = self.send(&url, self.get_request(&url)?).await?.into();
        // Reading the body fails only when the connection broke mid-body (a restarting
        // server, a proxy timeout): the headers had arrived, so the server is there.
        let cut = |_: JsValue| ComfyError::Cut { url: url.clone() };
        let blob = JsFuture::from(response.blob().map_err(cut)?).await.map_err(cut)?;
        Ok(blob.unchecked_into())
    }

    pub fn view_url(&self, file: &OutputFile) -> String {
        self.server.api(&format!(
            "/view?filename={}&subfolder={}&type={}",
            encode_query_value(&file.filename),
            encode_query_value(&file.subfolder),
            encode_query_value(&file.folder_type)
        ))
    }

    /// Whether the server has ComfyUI's jobs API (`GET /api/jobs`, newer than 0.3.64),
    /// asked with a GET because a GET is what every version answers readably: 0.3.64's
    /// catch-all static route gives an unknown GET a 404 *with* CORS headers, while a POST
    /// to an unknown route gets aiohttp's bare 405, which a page on another origin cannot
    /// even read (comfy-sim's aiohttp.rs, issue 16). So which cancel route to use is
    /// decided from this answer, never by trying the POST.
    pub async fn has_jobs_api(&self) -> Result<bool, ComfyError> {
        match self.get_json::<JobsPage>("/jobs?limit=1").await {
            Ok(_) => Ok(true),
            Err(ComfyError::Http { status: 404, .. } | ComfyError::Decode { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// `POST /api/jobs/{id}/cancel`: interrupts the job if it runs, dequeues it if it
    /// waits (servers with the jobs API only, see [`Self::has_jobs_api`]).
    pub async fn cancel_job(&self, prompt_id: &str) -> Result<(), ComfyError> {
        let url = self
            .server
            .api(&format!("/jobs/{}/cancel", encode_query_value(prompt_id)));
        let request = self
            .builder(Request::post(&url))
            .build()
            .map_err(|error| ComfyError::Request(error.to_string()))?;
        self.send(&url, request).await.map(drop)
    }

    /// Interrupts `prompt_id` only if it is the one running: the untargeted form would
    /// stop whatever runs, maybe another person's work (trace e).
    pub async fn interrupt(&self, prompt_id: &str) -> Result<(), ComfyError> {
        let url = self.server.api("/interrupt");
        self.send(&url, self.post_json(&url, &InterruptRequest::prompt(prompt_id))?)
            .await
            .map(drop)
    }

    /// Removes pending prompts; a no-op for running or unknown ids (trace f).
    pub async fn delete_from_queue(&self, prompt_ids: &[&str]) -> Result<(), ComfyError> {
        let url = self.server.api("/queue");
        self.send(&url, self.post_json(&url, &QueueRequest::delete(prompt_ids))?)
            .await
            .map(drop)
    }

    /// `POST /api/upload/image` with `overwrite=false`: a clash with different bytes is
    /// renamed by the server, so the returned name is the one to use (trace l).
    pub async fn upload_image(
        &self,
        file_name: &str,
        bytes: &[u8],
        mime: &str,
    ) -> Result<UploadedImage, ComfyError> {
        let url = self.server.api("/upload/image");
        let form = upload_form(file_name, bytes, mime).map_err(ComfyError::Request)?;
        let request = self
            .builder(Request::post(&url))
            .body(form)
            .map_err(|error| ComfyError::Request(error.to_string()))?;
        let response = self.send(&url, request).await?;
        decode_json(&url, response).await
    }

    async fn get_json<T: DeserializeOwned>(&self, route: &str) -> Result<T, ComfyError> {
        let url = self.server.api(route);
        let response = self.send(&url, self.get_request(&url)?).await?;
        decode_json(&url, response).await
    }

    async fn send(&self, url: &str, request: Request) -> Result<Response, ComfyError> {
        match request.send().await {
            Ok(response) if response.ok() => Ok(response),
            Ok(response) => Err(http_error(url, response).await),
            Err(_) => Err(self.diagnose_network_failure(url).await),
        }
    }

    /// A cors-mode fetch fails the same way for a dead server, for one whose origin check
    /// refused us, and for an answer without CORS headers — which is every unhandled 500
    /// of 0.3.64 and a proxy's 502 (aiohttp answers those outside ComfyUI's CORS code;
    /// comfy-sim's aiohttp.rs). A readable `GET /api/system_stats` means the server is up
    /// and its origin check lets this page through, so this request failed on the server.
    /// Otherwise a `no-cors` fetch, which resolves with an opaque response whenever the
    /// server is up (PROTOCOL.md), tells an origin refusal from a dead server.
    async fn diagnose_network_failure(&self, url: &str) -> ComfyError {
        let stats_url = self.server.api("/system_stats");
        if let Ok(response) = self.builder(Request::get(&stats_url)).send().await
            && response.status() != 403
        {
            return ComfyError::UnreadableFailure { url: url.to_owned() };
        }
        let probe = self
            .builder(Request::get(url).mode(RequestMode::NoCors))
            .send()
            .await;
        match probe {
            Ok(_) if !self.server.is_same_origin() => origin_rejected(self.server.display()),
            _ => ComfyError::Unreachable {
                url: self.server.display().to_owned(),
            },
        }
    }

    fn builder(&self, request: RequestBuilder) -> RequestBuilder {
        let request = request.credentials(RequestCredentials::Omit);
        match self.timeout_ms {
            // Aborts the fetch itself, not only the wait: a hung port holds no connection.
            Some(timeout_ms) => request.abort_signal(Some(&AbortSignal::timeout_with_u32(timeout_ms))),
            None => request,
        }
    }

    fn get_request(&self, url: &str) -> Result<Request, ComfyError> {
        self.builder(Request::get(url))
            .build()
            .map_err(|error| ComfyError::Request(error.to_string()))
    }

    fn post_json(&self, url: &str, body: &impl Serialize) -> Result<Request, ComfyError> {
        self.builder(Request::post(url))
            .json(body)
            .map_err(|error| ComfyError::Request(error.to_string()))
    }
}

fn upload_form(file_name: &str, bytes: &[u8], mime: &str) -> Result<web_sys::FormData, String> {
    let js_error = |error: wasm_bindgen::JsValue| format!("{error:?}");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_error)?;
    let form = web_sys::FormData::new().map_err(js_error)?;
    form.append_with_blob_and_filename("image", &blob, file_name)
        .map_err(js_error)?;
    form.append_with_str("type", "input").map_err(js_error)?;
    form.append_with_str("overwrite", "false").map_err(js_error)?;
    Ok(form)
}

async fn http_error(url: &str, response: Response) -> ComfyError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    // ComfyUI's origin check answers a bare 403 with an empty body (trace k_origin_403).
    if status == 403 && body.trim().is_empty() {
        return origin_rejected(url);
    }
    ComfyError::Http {
        url: url.to_owned(),
        status,
        body: body.chars().take(ERROR_BODY_MAX_CHARS).collect(),
    }
}

fn origin_rejected(url: &str) -> ComfyError {
    let page_origin = page_origin();
    ComfyError::OriginRejected {
        url: url.to_owned(),
        command: cors_command(&page_origin),
        page_origin,
    }
}

async fn decode_json<T: DeserializeOwned>(url: &str, response: Response) -> Result<T, ComfyError> {
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
