//! HTTP to the LLM server: `GET /models` and a streamed `POST /chat/completions`, read
//! chunk by chunk into a [`CompletionStream`] so the words show as they arrive. Every
//! request can be cancelled and has the settings' timeout.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::callback::Timeout;
use shotline_draft::{Completion, CompletionStream, DraftError, LlmSettings, parse_models};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A health check needs no patience: a server that is up answers `/models` at once.
const MODELS_TIMEOUT_MS: u32 = 10_000;

/// Stops a request in flight; cloning shares the same request.
#[derive(Clone)]
pub struct Cancel {
    controller: web_sys::AbortController,
    cancelled: Rc<Cell<bool>>,
}

impl Cancel {
    pub fn new() -> Self {
        Self {
            // Only fails in browsers too old to run this app.
            controller: web_sys::AbortController::new().expect("AbortController"),
            cancelled: Rc::new(Cell::new(false)),
        }
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.controller.abort();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }

    fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

/// The server's chat models, for the model picker and as the health check.
pub async fn list_models(settings: &LlmSettings) -> Result<Vec<String>, DraftError> {
    let url = settings.base_url()?;
    let cancel = Cancel::new();
    let timer = Deadline::start(&cancel, MODELS_TIMEOUT_MS);
    let request =
        with_headers(Request::get(&url.models_url()), settings).abort_signal(Some(&cancel.signal()));
    let response = send(request.build(), settings, &timer).await?;
    let body = response
        .text()
        .await
        .map_err(|error| read_error(&timer, settings, error))?;
    parse_models(&body)
}

/// Posts `body` and feeds the streamed answer to a [`CompletionStream`], calling
/// `progress` after every chunk. Ends at `[DONE]`, at the end of the body, on `cancel`
/// (`Ok(None)`), or at the timeout.
pub async fn stream_completion(
    settings: &LlmSettings,
    body: String,
    cancel: &Cancel,
    progress: impl Fn(&CompletionStream),
) -> Result<Option<Completion>, DraftError> {
    let url = settings.base_url()?;
    let timer = Deadline::start(cancel, settings.timeout_s.saturating_mul(1000));
    let request = with_headers(Request::post(&url.chat_completions_url()), settings)
        .abort_signal(Some(&cancel.signal()))
        .body(body);
    let request = request.map_err(|error| DraftError::UnreadableAnswer {
        detail: error.to_string(),
    })?;
    let response = match send(Ok(request), settings, &timer).await {
        Err(_) if cancel.is_cancelled() && !timer.fired() => return Ok(None),
        other => other?,
    };
    let mut stream = CompletionStream::new();
    let reader = response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .ok()
    });
    let Some(reader) = reader else {
        // No readable body (very old browsers): read it whole.
        let text = response
            .text()
            .await
            .map_err(|error| read_error(&timer, settings, error))?;
        stream.push(text.as_bytes())?;
        return stream.finish().map(Some);
    };
    loop {
        let chunk = JsFuture::from(reader.read()).await;
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(_) if timer.fired() => {
                return Err(DraftError::TimedOut {
                    seconds: settings.timeout_s,
                });
            }
            Err(_) if cancel.is_cancelled() => return Ok(None),
            // The connection dropped mid-answer: what arrived is judged as a cut stream.
            Err(_) => break,
        };
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|done| done.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            if let Err(error) = stream.push(&bytes) {
                cancel.controller.abort();
                return Err(error);
            }
            progress(&stream);
            if stream.is_done() {
                break;
            }
        }
    }
    drop(timer);
    stream.finish().map(Some)
}

fn with_headers(mut request: RequestBuilder, settings: &LlmSettings) -> RequestBuilder {
    for (name, value) in settings.headers() {
        request = request.header(name, &value);
    }
    request
}

async fn send(
    request: Result<Request, gloo_net::Error>,
    settings: &LlmSettings,
    timer: &Deadline,
) -> Result<Response, DraftError> {
    let request = request.map_err(|error| DraftError::UnreadableAnswer {
        detail: error.to_string(),
    })?;
    let response = request
        .send()
        .await
        .map_err(|error| read_error(timer, settings, error))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(DraftError::from_status(status, &body))
}

/// A failed fetch is a timeout when our timer aborted it; otherwise the browser will not
/// say more than "failed": a stopped server and a refused origin look the same.
fn read_error(timer: &Deadline, settings: &LlmSettings, _error: gloo_net::Error) -> DraftError {
    if timer.fired() {
        return DraftError::TimedOut {
            seconds: settings.timeout_s,
        };
    }
    match settings.base_url() {
        Ok(url) => DraftError::unreachable(&url, &page_origin()),
        Err(error) => error,
    }
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// Aborts the request when the time is up; dropped (cleared) when the request ends first.
struct Deadline {
    fired: Rc<Cell<bool>>,
    _timeout: Timeout,
}

impl Deadline {
    fn start(cancel: &Cancel, after_ms: u32) -> Self {
        let fired = Rc::new(Cell::new(false));
        let controller = cancel.controller.clone();
        let flag = fired.clone();
        let timeout = Timeout::new(after_ms, move || {
            flag.set(true);
            controller.abort();
        });
        Self {
            fired,
            _timeout: timeout,
        }
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }
}
