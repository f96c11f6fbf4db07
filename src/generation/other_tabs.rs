//! Jobs shared with the browser's other tabs. Every tab with a project open tracks all of
//! its jobs, but ComfyUI sends a prompt's events only to the clientId that submitted it,
//! and downloading a finished take in every tab would fetch and store it once per tab.
//! So a job is followed live by the tab that submitted it; the others follow it through
//! the reconciler and, once it finishes, show what that tab stored. When that tab is gone
//! (closed, crashed), the first tab to take the job's lock fetches the outputs.

use gloo_timers::future::TimeoutFuture;
use shotline_model::project::MediaId;

use super::engine::{EngineRef, now_ms};
use super::restore::stored_output;
use crate::tabs;

/// How often a tab looks for the result another open tab is fetching.
const STORED_RESULT_POLL_MS: u32 = 500;
/// The submitting tab's own fetch retries for about 4 s per file; past this, something is
/// wrong with it and this tab fetches instead (the lock still keeps it to one download).
const SUBMITTING_TAB_WAIT_MAX_MS: f64 = 60_000.0;

/// One lock per prompt around fetching its outputs.
pub(super) fn outputs_lock(prompt_id: &str) -> String {
    format!("shotline.outputs.{prompt_id}")
}

/// Whether the job belongs to another tab that is open: then this waits until that tab
/// has stored the result and shows it (true), or gives up waiting (false: fetch here).
pub(super) async fn left_to_its_tab(engine: &EngineRef, prompt_id: &str) -> bool {
    let submitted_by = {
        let state = engine.borrow();
        match state.jobs.get(prompt_id) {
            Some(job) if job.record.client_id != state.client_id => job.record.client_id.clone(),
            _ => return false,
        }
    };
    let started = now_ms();
    loop {
        if adopt_stored(engine, prompt_id).await {
            return true;
        }
        if tabs::tab_is_open(&submitted_by).await != Some(true)
            || now_ms() - started > SUBMITTING_TAB_WAIT_MAX_MS
        {
            return false;
        }
        TimeoutFuture::new(STORED_RESULT_POLL_MS).await;
    }
}

/// Shows the job as stored when a tab has already ended it: its state, notes and media,
/// read from storage instead of the server. False when storage has no ended job.
pub(super) async fn adopt_stored(engine: &EngineRef, prompt_id: &str) -> bool {
    let storage = engine.borrow().storage;
    let Some(storage) = storage else { return false };
    let Ok(Some(stored)) = storage.get_job(prompt_id).await else {
        return false;
    };
    if !stored.job.is_terminal() {
        return false;
    }
    let mut outputs = Vec::new();
    for id in &stored.outputs {
        if let Ok(Some(media)) = storage.get_media(&MediaId::new(id.clone())).await {
            outputs.push(stored_output(id, &media.mime, media.data_url));
        }
    }
    let mut state = engine.borrow_mut();
    if let Some(job) = state.jobs.get_mut(prompt_id) {
        job.persisted_kind = Some(std::mem::discriminant(stored.job.state()));
        job.record = stored;
        job.refresh_view();
        job.show_outputs(|view| view.outputs = outputs);
    }
    true
}
