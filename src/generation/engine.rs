//! The engine's state and the one place where events are folded into jobs.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use shotline_protocol::job::running_prompt;
use shotline_protocol::{Effect, JobEvent, JobState, apply};
use wasm_bindgen_futures::spawn_local;

use super::job_view::JobView;
use super::preview::PreviewUrl;
use super::servers::ServerLink;
use super::{outputs, persist, reconcile};
use crate::storage::{JobRecord, Storage};

/// Shared, single-threaded: every callback (socket, timer, fetch) holds one of these.
pub(super) type EngineRef = Rc<RefCell<Engine>>;

/// History can race `execution_success` (PROTOCOL.md); ask again with growing delays.
const HISTORY_RETRY_FIRST_DELAY_MS: u32 = 250;
const HISTORY_RETRY_MAX_DELAY_MS: u32 = 4_000;

pub(super) struct Engine {
    pub storage: Option<Storage>,
    pub client_id: String,
    /// Keeps this tab's lock (other tabs see it open) for as long as the engine lives.
    pub _tab: crate::tabs::TabIdentity,
    pub owner: Owner,
    pub job_ids: RwSignal<Vec<String>>,
    /// Bumped when a job finishes or its media arrive: views over all finished takes (the
    /// gallery) follow this instead of every job's progress.
    pub media_epoch: RwSignal<u64>,
    pub jobs: BTreeMap<String, TrackedJob>,
    pub servers: BTreeMap<String, ServerLink>,
    /// The server whose socket stays open for the Servers panel, jobs or not.
    pub watched: Option<String>,
    /// The pool's servers, whose sockets stay open so their health is known before a job
    /// is placed (empty without a pool).
    pub pool: Vec<String>,
    pub ticker: Option<Interval>,
    /// Which keyframes each server is thought to hold.
    pub uploads: super::keyframes::UploadedKeyframes,
}

pub(super) struct TrackedJob {
    pub record: JobRecord,
    pub view: RwSignal<JobView>,
    /// The engine's [`Engine::media_epoch`].
    pub media_epoch: RwSignal<u64>,
    pub preview: Option<PreviewUrl>,
    pub history_retries: u32,
    /// A history retry is waiting on its timer: reconciles that also find `{}` add no
    /// second one, so retries never multiply.
    pub history_retry_pending: bool,
    /// The state kind last written to storage: progress ticks are not persisted.
    pub persisted_kind: Option<std::mem::Discriminant<JobState>>,
}

impl TrackedJob {
    pub fn server_key(&self) -> &str {
        &self.record.server
    }

    /// Copies the job's state into its view signal. A preview is kept only while the
    /// job runs: bounded memory, whatever the number of jobs.
    pub fn refresh_view(&mut self) {
        if !matches!(self.record.job.state(), JobState::Running(_)) {
            self.preview = None;
        }
        let state = self.record.job.state().clone();
        let preview_url = self.preview.as_ref().map(|p| p.url().to_owned());
        let finished = self.record.job.is_terminal();
        let updated_ms = self.record.updated_ms;
        let mut just_finished = false;
        self.view.update(|view| {
            view.state = state;
            view.preview_url = preview_url;
            if finished && view.finished_ms.is_none() {
                view.finished_ms = Some(updated_ms);
                just_finished = true;
            }
        });
        if just_finished {
            self.media_changed();
        }
    }

    /// Sets the job's media on its view and tells the views over all takes.
    pub fn show_outputs(&self, change: impl FnOnce(&mut JobView)) {
        self.view.update(change);
        self.media_changed();
    }

    fn media_changed(&self) {
        self.media_epoch.update(|epoch| *epoch += 1);
    }
}

impl Engine {
    /// The running job of this app on `server_key`, for events without a prompt id.
    pub fn running_on(&self, server_key: &str) -> Option<String> {
        running_prompt(
            self.jobs
                .values()
                .filter(|job| job.server_key() == server_key)
                .map(|job| &job.record.job),
        )
        .map(str::to_owned)
    }

    /// A link stays open while jobs, the Servers panel or the pool need it.
    pub fn link_in_use(&self, server_key: &str) -> bool {
        self.watched.as_deref() == Some(server_key)
            || self.pool.iter().any(|member| member == server_key)
            || !self.unfinished_on(server_key).is_empty()
    }

    /// Jobs on `server_key` that queue and history can judge: waiting for a verdict, and
    /// not waiting for the answer of a POST this page sent (a snapshot can predate its
    /// arrival). A submission cut off by a reload is judged: its POST cannot answer here.
    /// Another open tab's submission is asked about too, since its answer goes to that tab
    /// only: found in queue or history it moves on here; absent, it waits (the job only
    /// ends Lost for absence once it is orphaned, see `JobEvent::Restored`).
    pub fn judged_on(&self, server_key: &str) -> Vec<String> {
        self.unfinished_jobs(server_key)
            .filter(|tracked| {
                let job = &tracked.record.job;
                let posted_here = tracked.record.client_id == self.client_id && !job.submit_orphaned();
                job.awaits_verdict() && (*job.state() != JobState::Submitting || !posted_here)
            })
            .map(|job| job.record.prompt_id.clone())
            .collect()
    }

    /// Whether a job of ours waits in `server_key`'s queue (or for its answer), so a
    /// change of that queue moves a position the person sees.
    pub fn waits_on(&self, server_key: &str) -> bool {
        self.unfinished_jobs(server_key).any(|job| {
            matches!(
                job.record.job.state(),
                JobState::Submitting | JobState::Queued { .. }
            )
        })
    }

    pub fn unfinished_on(&self, server_key: &str) -> Vec<String> {
        self.unfinished_jobs(server_key)
            .map(|job| job.record.prompt_id.clone())
            .collect()
    }

    fn unfinished_jobs<'a>(&'a self, server_key: &'a str) -> impl Iterator<Item = &'a TrackedJob> {
        self.jobs
            .values()
            .filter(move |job| job.server_key() == server_key && !job.record.job.is_terminal())
    }
}

/// Folds one event into a job, updates its view, persists a change of state kind, and
/// carries out what the reducer asked for.
pub(super) fn apply_event(engine: &EngineRef, prompt_id: &str, event: JobEvent<'_>) {
    let effect = {
        let mut state = engine.borrow_mut();
        let Some(job) = state.jobs.get_mut(prompt_id) else {
            return;
        };
        let effect = apply(&mut job.record.job, event, now_ms() as u64);
        job.record.updated_ms = now_ms();
        job.refresh_view();
        effect
    };
    after_change(engine, prompt_id, effect);
}

/// Shared tail of every change: persist if the state kind moved, then run the effect.
pub(super) fn after_change(engine: &EngineRef, prompt_id: &str, effect: Effect) {
    persist::save_job_if_state_moved(engine, prompt_id);
    run_effect(engine, prompt_id, effect);
}

pub(super) fn run_effect(engine: &EngineRef, prompt_id: &str, effect: Effect) {
    let engine = Rc::clone(engine);
    let prompt_id = prompt_id.to_owned();
    match effect {
        Effect::None => {}
        Effect::FetchHistory => spawn_local(async move { fetch_history(&engine, &prompt_id).await }),
        Effect::RetryHistoryLater => {
            let delay = {
                let mut state = engine.borrow_mut();
                let Some(job) = state.jobs.get_mut(&prompt_id) else {
                    return;
                };
                if job.history_retry_pending {
                    return;
                }
                job.history_retry_pending = true;
                job.history_retries += 1;
                retry_delay_ms(job.history_retries)
            };
            spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(delay).await;
                if let Some(job) = engine.borrow_mut().jobs.get_mut(&prompt_id) {
                    job.history_retry_pending = false;
                }
                fetch_history(&engine, &prompt_id).await;
            })
        }
        Effect::FetchOutputs(files) => {
            spawn_local(async move { outputs::fetch(&engine, &prompt_id, files).await })
        }
        Effect::DeleteFromQueue => spawn_local(async move {
            if let Some(client) = client_for(&engine, &prompt_id) {
                let _ = client.delete_from_queue(&[prompt_id.as_str()]).await;
            }
            reconcile::request(&engine, &prompt_id);
        }),
        Effect::Interrupt => spawn_local(async move {
            if let Some(client) = client_for(&engine, &prompt_id) {
                let _ = stop_running(&engine, &client, &prompt_id).await;
            }
            reconcile::request(&engine, &prompt_id);
        }),
    }
}

/// Newer servers cancel a job atomically with the jobs API; 0.3.64 has only the targeted
/// interrupt, which stops `prompt_id` only if it is the one running (trace e), never
/// another person's work. Which one is known from the server, asked once per link.
async fn stop_running(
    engine: &EngineRef,
    client: &crate::comfy::ComfyClient,
    prompt_id: &str,
) -> Result<(), crate::comfy::ComfyError> {
    let key = client.server().as_str().to_owned();
    let known = engine.borrow().servers.get(&key).and_then(|link| link.jobs_api);
    let jobs_api = match known {
        Some(jobs_api) => jobs_api,
        None => {
            let jobs_api = client.has_jobs_api().await?;
            if let Some(link) = engine.borrow_mut().servers.get_mut(&key) {
                link.jobs_api = Some(jobs_api);
            }
            jobs_api
        }
    };
    if jobs_api {
        client.cancel_job(prompt_id).await
    } else {
        client.interrupt(prompt_id).await
    }
}

async fn fetch_history(engine: &EngineRef, prompt_id: &str) {
    // A retry whose timer fired after the job ended (the reconciler settled it) asks nothing.
    let waiting = engine
        .borrow()
        .jobs
        .get(prompt_id)
        .is_some_and(|job| job.record.job.awaits_verdict());
    if !waiting {
        return;
    }
    let Some(client) = client_for(engine, prompt_id) else {
        return;
    };
    match client.history_entry(prompt_id).await {
        Ok(entry) => {
            super::servers::note_contact(engine, client.server().as_str());
            apply_event(engine, prompt_id, JobEvent::History(entry.as_ref()));
        }
        // Unreachable or a 500: the reconciler keeps asking until it has an answer.
        Err(error) if error.is_transient() => reconcile::request(engine, prompt_id),
        Err(error) => history_unreadable(engine, prompt_id, &error),
    }
}

/// History answered with something a retry is unlikely to change (not ComfyUI's JSON, a
/// 4xx): the job counts it and Fails after a few (`UNREADABLE_HISTORY_BEFORE_FAILED`),
/// asked at the reconciler's pace, so a proxy's passing error page does not end it.
pub(super) fn history_unreadable(engine: &EngineRef, prompt_id: &str, error: &crate::comfy::ComfyError) {
    let reason = error.to_string();
    apply_event(engine, prompt_id, JobEvent::HistoryUnreadable { reason: &reason });
}

pub(super) fn client_for(engine: &EngineRef, prompt_id: &str) -> Option<crate::comfy::ComfyClient> {
    let state = engine.borrow();
    let job = state.jobs.get(prompt_id)?;
    state
        .servers
        .get(job.server_key())
        .map(|link| link.client.clone())
}

fn retry_delay_ms(attempt: u32) -> u32 {
    HISTORY_RETRY_FIRST_DELAY_MS
        .saturating_mul(1 << attempt.min(8))
        .min(HISTORY_RETRY_MAX_DELAY_MS)
}

pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}
