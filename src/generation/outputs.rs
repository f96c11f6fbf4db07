//! From a finished prompt's output list to media a person can see: every file fetched
//! from `/view`, turned into a data URL, and handed to the media store.

use std::rc::Rc;
use std::sync::Arc;

use gloo_timers::future::TimeoutFuture;
use shotline_protocol::{JobEvent, OutputFile};
use web_sys::Blob;

use super::engine::{EngineRef, apply_event, client_for};
use super::job_view::OutputMedia;
use super::{other_tabs, persist};
use crate::comfy::{ComfyClient, ComfyError};
use crate::storage::BrowserMedia;
use crate::tabs;

/// A `/view` that fails transiently (5xx, no answer, a body cut off) is asked this many
/// times in all, pausing 0.5, 1 and 2 s between, before the file counts as unavailable.
const VIEW_ATTEMPTS: u32 = 4;
const VIEW_RETRY_FIRST_DELAY_MS: u32 = 500;
/// ComfyUI's temp folder (PreviewImage) may be emptied at any time and holds only
/// in-between images when a workflow also saves outputs.
const TEMP_FOLDER: &str = "temp";

/// Fetches a finished prompt's outputs once for the whole browser: a job another open tab
/// submitted is left to that tab and shown from what it stores; otherwise the first tab
/// to get the job's lock downloads, and any other finds the stored result.
pub(super) async fn fetch(engine: &EngineRef, prompt_id: &str, files: Vec<OutputFile>) {
    if other_tabs::left_to_its_tab(engine, prompt_id).await {
        return;
    }
    let lock = other_tabs::outputs_lock(prompt_id);
    let engine = Rc::clone(engine);
    let prompt_id = prompt_id.to_owned();
    tabs::exclusive(&lock, async move {
        if !other_tabs::adopt_stored(&engine, &prompt_id).await {
            download(&engine, &prompt_id, files).await;
        }
    })
    .await;
}

/// Downloads, stores and shows the outputs, then writes the job before returning, so a
/// tab waiting for the lock finds the result in storage.
async fn download(engine: &EngineRef, prompt_id: &str, files: Vec<OutputFile>) {
    let Some(client) = client_for(engine, prompt_id) else {
        return;
    };
    let project_id = match engine.borrow().jobs.get(prompt_id) {
        Some(job) => job.record.project_id.clone(),
        None => return,
    };
    let mut media = Vec::new();
    let mut failures = Vec::new();
    let mut notices = Vec::new();
    for file in files_worth_showing(files) {
        let Some(mime) = file.mime() else { continue };
        match fetch_as_data_url(&client, &file, mime).await {
            Ok(fetched) => {
                let media_id = match persist::save_media(engine, &project_id, &fetched).await {
                    Ok(id) => id,
                    Err(notice) => {
                        notices.push(format!("{}: {notice}", file.filename));
                        None
                    }
                };
                media.push(OutputMedia {
                    file_name: file.filename.clone(),
                    kind: file.kind().unwrap_or(shotline_protocol::MediaKind::Image),
                    mime,
                    data_url: Arc::from(fetched.data_url()),
                    media_id,
                });
            }
            Err(failure) => failures.push(format!("{} {failure}", file.filename)),
        }
    }
    let nothing_fetched = media.is_empty() && !failures.is_empty();
    if let Some(job) = engine.borrow_mut().jobs.get_mut(prompt_id) {
        job.record.outputs = media.iter().filter_map(|m| m.media_id.clone()).collect();
        job.record.media_not_saved = media
            .iter()
            .filter(|m| m.media_id.is_none())
            .map(|m| m.file_name.clone())
            .collect();
        job.show_outputs(|view| {
            view.outputs = media;
            view.notices.extend(notices);
            // With nothing fetched the failure is the job's end state, said once there.
            if !nothing_fetched {
                view.notices.extend(failures.iter().cloned());
            }
        });
    }
    if nothing_fetched {
        let reason = format!("ComfyUI finished the run, but {}", failures.join("; "));
        apply_event(
            engine,
            prompt_id,
            JobEvent::OutputsUnavailable { reason: &reason },
        );
    } else {
        apply_event(engine, prompt_id, JobEvent::OutputsFetched);
    }
    persist::save_job_now(engine, prompt_id).await;
}

/// Media files only; previews from the temp folder only when nothing was saved.
fn files_worth_showing(files: Vec<OutputFile>) -> Vec<OutputFile> {
    let media: Vec<OutputFile> = files.into_iter().filter(|file| file.mime().is_some()).collect();
    let saved: Vec<OutputFile> = media
        .iter()
        .filter(|f| f.folder_type != TEMP_FOLDER)
        .cloned()
        .collect();
    if saved.is_empty() { media } else { saved }
}

/// Why an output file is not shown: the last error and how often `/view` was asked.
pub struct ViewFailure {
    pub error: ComfyError,
    pub attempts: u32,
}

/// "could not be downloaded in 4 attempts: … answered HTTP 500".
impl std::fmt::Display for ViewFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.attempts {
            1 => write!(f, "could not be downloaded: {}", self.error),
            n => write!(f, "could not be downloaded in {n} attempts: {}", self.error),
        }
    }
}

/// One output file as the engine keeps it: fetched from `/view` (transient failures
/// retried), encoded as a `data:` URL and hashed by the browser, ready for the media store.
/// Public for the media benchmark (tests/bench_media.rs), which times this very path.
pub async fn fetch_as_data_url(
    client: &ComfyClient,
    file: &OutputFile,
    mime: &str,
) -> Result<BrowserMedia, ViewFailure> {
    let blob = fetch_with_retries(client, file).await?;
    BrowserMedia::read(&blob, mime)
        .await
        .map_err(|error| ViewFailure {
            error: ComfyError::Decode {
                url: client.view_url(file),
                reason: format!("{error:?}"),
            },
            attempts: 1,
        })
}

async fn fetch_with_retries(client: &ComfyClient, file: &OutputFile) -> Result<Blob, ViewFailure> {
    let mut attempts = 1;
    loop {
        match client.view(file).await {
            Ok(blob) => return Ok(blob),
            Err(error) if attempts < VIEW_ATTEMPTS && error.is_transient() => {
                TimeoutFuture::new(VIEW_RETRY_FIRST_DELAY_MS << (attempts - 1)).await;
                attempts += 1;
            }
            Err(error) => return Err(ViewFailure { error, attempts }),
        }
    }
}
