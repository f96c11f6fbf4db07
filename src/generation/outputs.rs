//! From a finished prompt's output list to media a person can see: every file fetched
//! from `/view`, turned into a data URL, and handed to the media store.

use std::sync::Arc;

use gloo_timers::future::TimeoutFuture;
use shotline_protocol::{JobEvent, OutputFile};
use web_sys::Blob;

use super::engine::{EngineRef, apply_event, client_for};
use super::job_view::OutputMedia;
use super::persist;
use crate::comfy::{ComfyClient, ComfyError};
use crate::storage::BrowserMedia;

/// A failing `/view` is retried this many times (with growing pauses) before giving up.
const VIEW_RETRIES: u32 = 3;
const VIEW_RETRY_FIRST_DELAY_MS: u32 = 400;
/// ComfyUI's temp folder (PreviewImage) may be emptied at any time and holds only
/// in-between images when a workflow also saves outputs.
const TEMP_FOLDER: &str = "temp";

pub(super) async fn fetch(engine: &EngineRef, prompt_id: &str, files: Vec<OutputFile>) {
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
            Err(error) => failures.push(format!("{}: {error}", file.filename)),
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
            view.notices
                .extend(failures.iter().map(|f| format!("could not fetch {f}")));
        });
    }
    if nothing_fetched {
        let reason = format!(
            "ComfyUI finished, but its output could not be fetched: {}",
            failures.join("; ")
        );
        apply_event(
            engine,
            prompt_id,
            JobEvent::OutputsUnavailable { reason: &reason },
        );
    } else {
        apply_event(engine, prompt_id, JobEvent::OutputsFetched);
    }
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

/// One output file as the engine keeps it: fetched from `/view` (transient failures
/// retried), encoded as a `data:` URL and hashed by the browser, ready for the media store.
/// Public for the media benchmark (tests/bench_media.rs), which times this very path.
pub async fn fetch_as_data_url(
    client: &ComfyClient,
    file: &OutputFile,
    mime: &str,
) -> Result<BrowserMedia, ComfyError> {
    let blob = fetch_with_retries(client, file).await?;
    BrowserMedia::read(&blob, mime)
        .await
        .map_err(|error| ComfyError::Decode {
            url: client.view_url(file),
            reason: format!("{error:?}"),
        })
}

async fn fetch_with_retries(client: &ComfyClient, file: &OutputFile) -> Result<Blob, ComfyError> {
    let mut attempt = 0;
    loop {
        match client.view(file).await {
            Ok(blob) => return Ok(blob),
            Err(error) if attempt < VIEW_RETRIES && error.is_transient() => {
                TimeoutFuture::new(VIEW_RETRY_FIRST_DELAY_MS << attempt).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}
