//! The render queue's records in IndexedDB, written as the app writes them (a real
//! `RenderQueue`'s drained changes) and read back through `RenderQueue::load`.

use shotline::storage::Storage;
use shotline_model::pool::{Fit, SocketState};
use shotline_model::project::{JobId, ProfileId, Project, ProjectId, WorkflowProfile};
use shotline_model::render_queue::{
    LoadReport, QueueChanges, QueueServer, RenderQueue, Scope, TakeEnd, TakeReport, TakeState,
};
use shotline_model::server_url::ServerUrl;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{fresh_name, open, project_with_shots, raw_connection};

const NOW_MS: i64 = 1_700_000_000_000;
const PROFILE: &str = "still";

/// `shots` shots with prompts, each rendered with the project's one profile.
pub(super) fn queued_project(shots: usize) -> Project {
    let mut project = project_with_shots(shots);
    for shot in &mut project.scenes[0].shots {
        shot.prompt = format!("{}: lanterns in the rain", shot.id);
    }
    project.profiles = vec![WorkflowProfile {
        id: ProfileId::new(PROFILE),
        name: "Still".to_owned(),
        workflow: serde_json::json!({}),
        mapping: serde_json::json!({}),
    }];
    project.stages.shot = Some(ProfileId::new(PROFILE));
    project
}

/// A healthy, idle server where the profile passed preflight.
fn server() -> QueueServer {
    QueueServer {
        url: ServerUrl::parse("http://127.0.0.1:8188").expect("a valid address"),
        socket: SocketState::Open,
        answered_ms_ago: Some(100.0),
        other_jobs_in_flight: 0,
        fits: [(ProfileId::new(PROFILE), Fit::Passed)].into_iter().collect(),
    }
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The app's loop: change the queue, then write what changed before acting on it.
struct Caller {
    storage: Storage,
    queue: RenderQueue,
}

impl Caller {
    fn new(storage: Storage, project: &Project) -> Self {
        Self {
            storage,
            queue: RenderQueue::new(project.id.clone()),
        }
    }

    async fn save(&mut self) {
        let changes = self.queue.drain_changes();
        assert!(!changes.is_empty(), "every step here changes the queue");
        self.storage
            .write_queue_changes(&changes, self.queue.project().as_str())
            .await
            .expect("the queue's changes are saved");
    }

    async fn enqueue_all(&mut self, project: &Project, takes: u8) {
        self.queue
            .enqueue(project, &Scope::All, takes, NOW_MS, &mut uuid)
            .expect("the project's shots are queued");
        self.save().await;
    }

    /// Places what the server takes and saves it: the moment before the POSTs.
    async fn place(&mut self) -> Vec<JobId> {
        let placed = self.queue.place_next(&[server()], &mut uuid);
        self.save().await;
        placed.into_iter().map(|placement| placement.job).collect()
    }

    async fn run_to_done(&mut self, job: &JobId) {
        for (report, at_ms) in [
            (TakeReport::Accepted, NOW_MS + 10),
            (TakeReport::Started, NOW_MS + 20),
            (TakeReport::Ended(TakeEnd::Done), NOW_MS + 4_020),
        ] {
            assert!(self.queue.report(job, report, at_ms), "{job} moves on");
        }
        self.save().await;
    }
}

/// What a reload gets: the queue loaded from the stored records.
async fn reload(storage: Storage, project: &Project) -> (RenderQueue, LoadReport) {
    let (records, settings) = storage
        .queue_records(project.id.as_str())
        .await
        .expect("the queue is read");
    RenderQueue::load(project, &records, settings.as_ref())
}

#[wasm_bindgen_test]
async fn a_reload_finds_the_queue_as_written_with_its_takes_being_submitted() {
    let name = fresh_name();
    let project = queued_project(3);
    let mut caller = Caller::new(open(&name).await, &project);
    caller.enqueue_all(&project, 2).await;
    let first = caller.place().await;
    caller.run_to_done(&first[0]).await;
    let submitting = caller.place().await;
    assert_eq!(submitting.len(), 1, "one slot came free");

    let (loaded, report) = reload(open(&name).await, &project).await;
    assert_eq!(report, LoadReport::default());
    assert_eq!(loaded.entries(), caller.queue.entries());
    assert_eq!(loaded.settings(), caller.queue.settings());
    assert_eq!(
        loaded
            .settings()
            .durations
            .mean_ms(&ProfileId::new(PROFILE), &server().url),
        Some(4_000.0),
        "the measured run is kept"
    );
    let unconfirmed: Vec<JobId> = loaded.unconfirmed().into_iter().map(|job| job.job).collect();
    assert_eq!(unconfirmed, vec![first[1].clone(), submitting[0].clone()]);
}

#[wasm_bindgen_test]
async fn entries_the_queue_let_go_are_deleted_and_an_empty_change_writes_nothing() {
    let storage = open(&fresh_name()).await;
    let project = queued_project(2);
    storage
        .write_queue_changes(&QueueChanges::default(), project.id.as_str())
        .await
        .expect("nothing to write succeeds");
    assert_eq!(
        storage.queue_records(project.id.as_str()).await,
        Ok((vec![], None))
    );

    let mut caller = Caller::new(storage, &project);
    caller.enqueue_all(&project, 1).await;
    let placed = caller.place().await;
    caller.run_to_done(&placed[0]).await;
    caller.queue.dismiss_ended();
    caller.save().await;

    let (loaded, _) = reload(storage, &project).await;
    assert_eq!(loaded.entries().len(), 1);
    assert_eq!(loaded.entries(), caller.queue.entries());
    assert_eq!(
        loaded.entries()[0].takes[0].state,
        TakeState::Submitting,
        "the entry left is the second shot's"
    );
}

#[wasm_bindgen_test]
async fn a_damaged_queue_record_is_skipped_and_the_others_load() {
    let project = queued_project(2);
    let id = project.id.as_str();
    // One the browser cannot write as JSON (a BigInt), one that is JSON but no entry.
    let big_int = js_sys::JSON::parse(&format!(r#"{{"id":"big-int","project":"{id}"}}"#)).expect("JSON");
    js_sys::Reflect::set(&big_int, &"order".into(), &JsValue::bigint_from_str("5")).expect("set");
    let not_an_entry =
        js_sys::JSON::parse(&format!(r#"{{"id":"half","project":"{id}","shot":3}}"#)).expect("JSON");
    for damaged in [big_int, not_an_entry] {
        let name = fresh_name();
        let mut caller = Caller::new(open(&name).await, &project);
        caller.enqueue_all(&project, 1).await;
        caller.place().await;
        let raw = raw_connection(&name).await;
        let tx = raw
            .transaction(&["render_queue"], rexie::TransactionMode::ReadWrite)
            .expect("transaction");
        tx.store("render_queue")
            .expect("store")
            .put(&damaged, None)
            .await
            .expect("raw put");
        tx.done().await.expect("raw put commits");

        let (records, _) = caller.storage.queue_records(id).await.expect("read");
        assert_eq!(records.len(), 3);
        let (loaded, report) = reload(caller.storage, &project).await;
        assert_eq!(report.skipped, 1);
        assert_eq!(loaded.entries(), caller.queue.entries());
    }
}

#[wasm_bindgen_test]
async fn a_project_reads_its_own_queue_and_deleting_it_leaves_the_others() {
    let storage = open(&fresh_name()).await;
    let ours = queued_project(2);
    let mut theirs = queued_project(1);
    theirs.id = ProjectId::new("theirs");
    storage.insert_project(&ours).await.expect("saved");
    storage.insert_project(&theirs).await.expect("saved");
    let mut our_queue = Caller::new(storage, &ours);
    our_queue.enqueue_all(&ours, 3).await;
    let mut their_queue = Caller::new(storage, &theirs);
    their_queue.enqueue_all(&theirs, 1).await;
    their_queue.queue.pause();
    their_queue.save().await;

    let (loaded, report) = reload(storage, &ours).await;
    assert_eq!(report, LoadReport::default());
    assert_eq!(loaded.entries(), our_queue.queue.entries());
    assert!(!loaded.is_paused(), "the other project's pause is its own");
    assert!(reload(storage, &theirs).await.0.is_paused());

    storage.delete_project(&ours.id).await.expect("deleted");
    assert_eq!(storage.queue_records(ours.id.as_str()).await, Ok((vec![], None)));
    let (kept, _) = reload(storage, &theirs).await;
    assert_eq!(kept.entries(), their_queue.queue.entries());

    storage
        .delete_project_queue(theirs.id.as_str())
        .await
        .expect("deleted");
    assert_eq!(
        storage.queue_records(theirs.id.as_str()).await,
        Ok((vec![], None))
    );
}
