//! Writing jobs and media through the storage layer. Every failure here is reported and
//! survived: a job keeps running in memory when IndexedDB refuses a write.

use super::engine::EngineRef;
use crate::storage::{BrowserMedia, JobRecord, JobStatus};

/// The status stored for the jobs index.
pub(super) fn status_of(record: &JobRecord) -> JobStatus {
    use shotline_protocol::JobState;
    match record.job.state() {
        JobState::Done { .. } => JobStatus::Done,
        JobState::Failed { .. } => JobStatus::Failed,
        JobState::Cancelled => JobStatus::Cancelled,
        JobState::Lost { .. } => JobStatus::Lost,
        _ => JobStatus::Active,
    }
}

/// Writes the job when its state kind changed since the last write (progress ticks
/// stay in memory: they are worthless after a reload, which reconciles anyway).
pub(super) fn save_job_if_state_moved(engine: &EngineRef, prompt_id: &str) {
    let (storage, record) = {
        let mut guard = engine.borrow_mut();
        let state = &mut *guard;
        let storage = state.storage;
        let Some(job) = state.jobs.get_mut(prompt_id) else {
            return;
        };
        let kind = std::mem::discriminant(job.record.job.state());
        if job.persisted_kind == Some(kind) {
            return;
        }
        job.persisted_kind = Some(kind);
        // Another tab's job: that tab keeps its record; this one adds only a verdict
        // (see other_tabs), which storage keeps only if no tab gave one first.
        if job.record.client_id != state.client_id && !job.record.job.is_terminal() {
            return;
        }
        job.record.status = status_of(&job.record);
        (storage, job.record.clone())
    };
    let Some(storage) = storage else { return };
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = storage.put_job(&record).await {
            web_sys::console::warn_1(
                &format!("Shotline: job {} not saved: {error}", record.prompt_id).into(),
            );
        }
    });
}

/// Writes the job now, whatever changed (before the POST, and after outputs arrive).
pub(super) async fn save_job_now(engine: &EngineRef, prompt_id: &str) {
    let (storage, record) = {
        let mut state = engine.borrow_mut();
        let storage = state.storage;
        let Some(job) = state.jobs.get_mut(prompt_id) else {
            return;
        };
        job.persisted_kind = Some(std::mem::discriminant(job.record.job.state()));
        job.record.status = status_of(&job.record);
        (storage, job.record.clone())
    };
    if let Some(storage) = storage
        && let Err(error) = storage.put_job(&record).await
    {
        web_sys::console::warn_1(&format!("Shotline: job {} not saved: {error}", record.prompt_id).into());
    }
}

/// Stores one output. `Ok(None)` when there is no database (in-memory mode); `Err` with
/// the sentence to show when the write failed, e.g. the browser's quota is full.
pub(super) async fn save_media(
    engine: &EngineRef,
    project_id: &str,
    media: &BrowserMedia,
) -> Result<Option<String>, String> {
    let storage = engine.borrow().storage;
    let Some(storage) = storage else { return Ok(None) };
    match storage.put_browser_media(project_id, media).await {
        Ok(media) => Ok(Some(media.as_str().to_owned())),
        Err(error) if error.is_out_of_space() => {
            Err("not saved: the browser's storage is full. Free space or export the project.".to_owned())
        }
        Err(error) => Err(format!("not saved: {error}")),
    }
}
