//! The Copy handle views and other hooks use: submit, cancel, resubmit, read jobs.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use shotline_model::project::MediaId;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::http::ApiPrompt;
use shotline_protocol::{Job, JobEvent};
use wasm_bindgen_futures::spawn_local;

use super::engine::{Engine, EngineRef, TrackedJob, apply_event, now_ms};
use super::job_view::JobView;
use super::keyframes::{self, KeyframeError, UploadedKeyframes};
use super::persist::status_of;
use super::servers::SocketStatus;
use super::{reconcile, servers};
use crate::storage::{JobRecord, KeyframeInput, Storage, settings};
use crate::tabs::TabIdentity;

/// Everything needed to run one take of a shot.
#[derive(Debug, Clone)]
pub struct ShotRequest {
    pub project_id: String,
    pub shot_id: String,
    pub server: ServerUrl,
    /// The API-format workflow, already patched with the shot's prompt, seed, keyframe.
    pub prompt: ApiPrompt,
    pub profile_id: Option<String>,
    pub seed: Option<u64>,
    /// The inputs of `prompt` filled with uploaded keyframes' names.
    pub keyframes: Vec<KeyframeInput>,
}

#[derive(Clone, Copy)]
pub struct Generation {
    job_ids: RwSignal<Vec<String>>,
    /// Each shot's jobs, oldest first, rebuilt once when a job is added: a thousand cards
    /// then each look theirs up instead of each scanning every job.
    by_shot: Memo<JobsByShot>,
    pub(super) engine: StoredValue<EngineRef, LocalStorage>,
}

type JobsByShot = std::collections::HashMap<String, Vec<String>>;

impl Generation {
    /// Ids of every job this page knows, oldest first.
    pub fn job_ids(&self) -> Signal<Vec<String>> {
        self.job_ids.into()
    }

    /// Changes when a job finishes or its media arrive (not on progress): for views over
    /// every finished take.
    pub fn media_epoch(&self) -> Signal<u64> {
        self.engine
            .with_value(|engine| engine.borrow().media_epoch)
            .into()
    }

    /// The live view of one job.
    pub fn job(&self, prompt_id: &str) -> Option<ReadSignal<JobView>> {
        self.engine.with_value(|engine| {
            engine
                .borrow()
                .jobs
                .get(prompt_id)
                .map(|job| job.view.read_only())
        })
    }

    /// Records the job, then submits it; returns the prompt id made for it.
    pub fn submit(&self, request: ShotRequest) -> String {
        self.submit_as(request, uuid::Uuid::new_v4().to_string())
    }

    /// Like [`Generation::submit`] under a prompt id chosen before (a render queue take
    /// stores its id first, so a reload finds the job instead of submitting it again).
    pub fn submit_as(&self, request: ShotRequest, prompt_id: String) -> String {
        let engine = self.engine.get_value();
        let record = new_record(&engine, &prompt_id, request, 1);
        start(engine, record);
        prompt_id
    }

    /// Submits the same workflow again as a new job (after Lost, Failed or Cancelled).
    pub fn resubmit(&self, prompt_id: &str) -> Option<String> {
        self.resubmit_on(prompt_id, None)
    }

    /// Like [`Generation::resubmit`], on `server` (`None`: the job's own server). The old
    /// job keeps its server; the new one is fetched from where it ran.
    pub fn resubmit_on(&self, prompt_id: &str, server: Option<ServerUrl>) -> Option<String> {
        let engine = self.engine.get_value();
        let (request, attempt) = {
            let state = engine.borrow();
            let old = &state.jobs.get(prompt_id)?.record;
            let prompt: ApiPrompt = serde_json::from_value(old.prompt.clone()).ok()?;
            let request = ShotRequest {
                project_id: old.project_id.clone(),
                shot_id: old.shot_id.clone(),
                server: match server {
                    Some(server) => server,
                    None => ServerUrl::parse(&old.server).ok()?,
                },
                prompt,
                profile_id: old.profile_id.clone(),
                seed: old.seed,
                keyframes: old.keyframes.clone(),
            };
            (request, old.attempt + 1)
        };
        let new_id = uuid::Uuid::new_v4().to_string();
        let record = new_record(&engine, &new_id, request, attempt);
        start(engine, record);
        Some(new_id)
    }

    /// Shows the jobs of a project from earlier visits (finished ones with their media).
    pub fn load_project(&self, project_id: &str) {
        let engine = self.engine.get_value();
        let storage = engine.borrow().storage;
        if let Some(storage) = storage {
            spawn_local(super::restore::load_project_jobs(
                engine,
                storage,
                project_id.to_owned(),
            ));
        }
    }

    /// Follows a job this page does not track yet from its stored record (another tab
    /// submitted it, or this page opened before it existed). False: no such job stored.
    pub async fn follow_stored(&self, prompt_id: &str) -> bool {
        let engine = self.engine.get_value();
        if engine.borrow().jobs.contains_key(prompt_id) {
            return true;
        }
        let storage = engine.borrow().storage;
        let Some(storage) = storage else { return false };
        match storage.get_job(prompt_id).await {
            Ok(Some(record)) => {
                super::restore::show_stored(&engine, storage, record).await;
                true
            }
            _ => false,
        }
    }

    /// The jobs of one shot, oldest first, tracked: reruns when a job is added.
    pub fn shot_jobs(&self, shot_id: String) -> Memo<Vec<String>> {
        let by_shot = self.by_shot;
        Memo::new(move |_| by_shot.with(|by_shot| by_shot.get(&shot_id).cloned().unwrap_or_default()))
    }

    /// The jobs of one shot, oldest first, untracked.
    pub fn jobs_of_shot(&self, shot_id: &str) -> Vec<String> {
        self.by_shot
            .with_untracked(|by_shot| by_shot.get(shot_id).cloned().unwrap_or_default())
    }

    /// Opens (and keeps open) the socket to `server`, the active one, so its health shows
    /// before the first job; the server watched before is let go unless unfinished jobs use it.
    pub fn watch_server(&self, server: &ServerUrl) -> Option<ReadSignal<SocketStatus>> {
        let engine = self.engine.get_value();
        servers::watch(&engine, server)
    }

    /// The socket state of `server`, while this page keeps a link to it (an active, pool
    /// or job server).
    pub fn server_status(&self, server: &ServerUrl) -> Option<ReadSignal<SocketStatus>> {
        self.engine.with_value(|engine| {
            engine
                .borrow()
                .servers
                .get(server.as_str())
                .map(|link| link.status.read_only())
        })
    }

    /// The job's server cannot be reached and the shot went elsewhere: it ends Lost here,
    /// whatever its server did with it.
    pub fn give_up(&self, prompt_id: &str) {
        let engine = self.engine.get_value();
        apply_event(&engine, prompt_id, JobEvent::GivenUp);
    }

    /// The LoadImage value of keyframe `media` on `server`, uploading it first unless
    /// that server is thought to have it (see [`super::keyframes`]).
    pub async fn keyframe_on_server(
        &self,
        server: &ServerUrl,
        media: &MediaId,
    ) -> Result<String, KeyframeError> {
        let engine = self.engine.get_value();
        keyframes::keyframe_on_server(&engine, server, media).await
    }

    /// Pending: removed from the queue; running: interrupted. It ends Cancelled only
    /// once the server confirms.
    pub fn cancel(&self, prompt_id: &str) {
        let engine = self.engine.get_value();
        apply_event(&engine, prompt_id, JobEvent::CancelRequested);
    }
}

fn new_record(engine: &EngineRef, prompt_id: &str, request: ShotRequest, attempt: u32) -> JobRecord {
    let now = now_ms();
    let mut record = JobRecord {
        prompt_id: prompt_id.to_owned(),
        project_id: request.project_id,
        shot_id: request.shot_id,
        server: request.server.as_str().to_owned(),
        client_id: engine.borrow().client_id.clone(),
        attempt,
        created_ms: now,
        updated_ms: now,
        job: Job::new(prompt_id, &request.prompt),
        status: crate::storage::JobStatus::Active,
        prompt: serde_json::to_value(&request.prompt).unwrap_or_default(),
        profile_id: request.profile_id,
        seed: request.seed,
        outputs: Vec::new(),
        media_not_saved: Vec::new(),
        keyframes: request.keyframes,
    };
    record.status = status_of(&record);
    record
}

/// Shows the job at once (Submitting), then records and submits it.
fn start(engine: EngineRef, record: JobRecord) {
    let Ok(server) = ServerUrl::parse(&record.server) else {
        return;
    };
    let Ok(prompt) = serde_json::from_value::<ApiPrompt>(record.prompt.clone()) else {
        return;
    };
    let prompt_id = record.prompt_id.clone();
    track(&engine, record);
    servers::ensure_link(&engine, &server);
    spawn_local(super::submit::submit_recorded(engine, prompt_id, server, prompt));
}

/// Adds a job to the table and the list views read.
pub(super) fn track(engine: &EngineRef, record: JobRecord) {
    let mut state = engine.borrow_mut();
    let view = JobView {
        prompt_id: record.prompt_id.clone(),
        project_id: record.project_id.clone(),
        shot_id: record.shot_id.clone(),
        server: ServerUrl::parse(&record.server).unwrap_or_default(),
        profile_id: record.profile_id.clone(),
        attempt: record.attempt,
        seed: record.seed,
        state: record.job.state().clone(),
        outputs: Vec::new(),
        preview_url: None,
        created_ms: record.created_ms,
        finished_ms: record.job.is_terminal().then_some(record.updated_ms),
        last_contact_ms: now_ms(),
        notices: Vec::new(),
    };
    let view = state.owner.with(|| RwSignal::new(view));
    let prompt_id = record.prompt_id.clone();
    let media_epoch = state.media_epoch;
    state.jobs.insert(
        prompt_id.clone(),
        TrackedJob {
            record,
            view,
            media_epoch,
            preview: None,
            history_retries: 0,
            history_retry_pending: false,
            persisted_kind: None,
        },
    );
    state.job_ids.update(|ids| ids.push(prompt_id));
}

/// Installs the engine. `storage` is `None` when IndexedDB is unavailable: jobs then
/// live for this page only. Unfinished jobs from an earlier visit are followed again.
pub fn provide_generation(storage: Option<Storage>) -> Generation {
    provide_generation_in_tab(storage, TabIdentity::unlocked(settings::client_id()))
}

/// [`provide_generation`] for the app's one engine: `tab` holds this tab's clientId and
/// the lock that tells other tabs this one is open (see [`crate::tabs`]).
pub fn provide_generation_in_tab(storage: Option<Storage>, tab: TabIdentity) -> Generation {
    let job_ids = RwSignal::new(Vec::new());
    let engine: EngineRef = Rc::new(RefCell::new(Engine {
        storage,
        client_id: tab.client_id.clone(),
        _tab: tab,
        owner: Owner::current().unwrap_or_default(),
        job_ids,
        media_epoch: RwSignal::new(0),
        jobs: BTreeMap::new(),
        servers: BTreeMap::new(),
        watched: None,
        pool: Vec::new(),
        ticker: None,
        uploads: UploadedKeyframes::default(),
    }));
    reconcile::start_ticker(&engine);
    let engine_handle = StoredValue::new_local(engine.clone());
    let by_shot = Memo::new(move |_| {
        job_ids.track();
        engine_handle.with_value(|engine| jobs_by_shot(&engine.borrow()))
    });
    let generation = Generation {
        job_ids,
        by_shot,
        engine: engine_handle,
    };
    provide_context(generation);
    if let Some(storage) = storage {
        spawn_local(super::restore::resume_unfinished(engine, storage));
    }
    on_cleanup(move || {
        if let Some(engine) = generation.engine.try_get_value() {
            let mut state = engine.borrow_mut();
            state.ticker = None;
            state.servers.clear();
        }
    });
    generation
}

pub fn use_generation() -> Generation {
    expect_context::<Generation>()
}

fn jobs_by_shot(engine: &Engine) -> JobsByShot {
    let mut by_shot = JobsByShot::new();
    let mut jobs: Vec<&TrackedJob> = engine.jobs.values().collect();
    jobs.sort_by(|a, b| a.record.created_ms.total_cmp(&b.record.created_ms));
    for job in jobs {
        by_shot
            .entry(job.record.shot_id.clone())
            .or_default()
            .push(job.record.prompt_id.clone());
    }
    by_shot
}
