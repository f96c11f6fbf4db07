//! The IndexedDB layer in headless Chromium, each test on a database of its own.
#![cfg(target_arch = "wasm32")]

use rexie::{Index, ObjectStore, Rexie, TransactionMode};
use shotline::storage::{BrowserMedia, DB_VERSION, JobRecord, JobStatus, Storage, StorageError};
use shotline_model::project::{Action, Change, History, Project, ShotId};
use shotline_model::render_queue::{RenderQueue, Scope};
use shotline_protocol::Job;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "storage/render_queue.rs"]
mod render_queue;

/// A 1×1 transparent PNG.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PNG_BYTES: u64 = 70;

fn fresh_name() -> String {
    format!("shotline-test-{}", uuid::Uuid::new_v4())
}

async fn open(name: &str) -> Storage {
    Storage::open(name)
        .await
        .expect("IndexedDB opens in headless Chromium")
}

fn png_data_url() -> String {
    format!("data:image/png;base64,{PNG_BASE64}")
}

fn job(prompt_id: &str, project_id: &str, status: JobStatus) -> JobRecord {
    JobRecord {
        prompt_id: prompt_id.to_owned(),
        project_id: project_id.to_owned(),
        shot_id: "shot-1".to_owned(),
        server: "http://127.0.0.1:8188".to_owned(),
        client_id: "client".to_owned(),
        attempt: 1,
        created_ms: 1.0,
        updated_ms: 2.0,
        job: Job::new(prompt_id, &Default::default()),
        status,
        prompt: serde_json::json!({ "3": { "class_type": "KSampler", "inputs": {} } }),
        profile_id: None,
        seed: Some(42),
        outputs: Vec::new(),
        media_not_saved: Vec::new(),
        keyframes: Vec::new(),
    }
}

fn project_with_shots(shots: usize) -> Project {
    let mut counter = 0;
    let mut next = || {
        counter += 1;
        format!("id-{counter}")
    };
    let mut project = Project::new_with_first_shot("Night market", 0, &mut next);
    let scene = project.scenes[0].id.clone();
    let mut history = History::new(project.clone());
    for at in 1..shots {
        let shot = ShotId::new(next());
        let prompt = format!("Shot {at}: rain on neon signs, a vendor pulls a tarp, steam rises. ").repeat(3);
        let batch = Action::Batch(vec![
            Action::AddShot {
                scene: scene.clone(),
                id: shot.clone(),
                at,
            },
            Action::SetPrompt { shot, prompt },
        ]);
        history
            .apply(batch, 0)
            .expect("adding a shot to an existing scene works");
    }
    project = history.into_project();
    project
}

/// The v1 layout as the first release declared it, written out independently of the
/// app's schema so a change there cannot silently change what "a v1 database" means.
async fn build_v1_database(name: &str) -> Rexie {
    Rexie::builder(name)
        .version(1)
        .add_object_store(
            ObjectStore::new("projects")
                .key_path_array(["project_id", "part", "id"])
                .add_index(Index::new("by_part", "part")),
        )
        .add_object_store(
            ObjectStore::new("jobs")
                .key_path("prompt_id")
                .add_index(Index::new("by_project", "project_id"))
                .add_index(Index::new("by_status", "status")),
        )
        .add_object_store(
            ObjectStore::new("media")
                .key_path("id")
                .add_index(Index::new("by_project", "project_ids").multi_entry(true)),
        )
        .add_object_store(ObjectStore::new("settings").key_path("key"))
        .build()
        .await
        .expect("the v1 layout builds")
}

/// A second connection to a database `Storage` already opened, for writing records the
/// app would not. Opened without a version, so it never upgrades (which, declaring no
/// stores, would drop them all).
async fn raw_connection(name: &str) -> Rexie {
    Rexie::builder(name)
        .build()
        .await
        .expect("the database opens at its version")
}

async fn put_raw(db: &Rexie, store: &str, json: &str) {
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .expect("transaction");
    let value = js_sys::JSON::parse(json).expect("test JSON parses");
    tx.store(store)
        .expect("store")
        .put(&value, None)
        .await
        .expect("raw put");
    tx.done().await.expect("raw put commits");
}

/// Every record of `store` in `from`, put as it is into `to`.
async fn copy_raw(from: &Rexie, to: &Rexie, store: &str) {
    let read = from
        .transaction(&[store], TransactionMode::ReadOnly)
        .expect("transaction");
    let values = read
        .store(store)
        .expect("store")
        .get_all(None, None)
        .await
        .expect("raw read");
    let write = to
        .transaction(&[store], TransactionMode::ReadWrite)
        .expect("transaction");
    let target = write.store(store).expect("store");
    for value in &values {
        target.put(value, None).await.expect("raw put");
    }
    write.done().await.expect("raw copy commits");
}

#[wasm_bindgen_test]
async fn a_job_written_before_a_reload_is_read_back_after_it() {
    let name = fresh_name();
    let record = job("prompt-1", "project-1", JobStatus::Active);
    open(&name).await.put_job(&record).await.expect("job saved");

    let reopened = open(&name).await;
    assert_eq!(reopened.get_job("prompt-1").await, Ok(Some(record.clone())));
    assert_eq!(reopened.unfinished_jobs().await, Ok(vec![record]));
}

#[wasm_bindgen_test]
async fn a_seed_of_u64_max_reads_back_exact_in_the_job_and_the_prompt_it_sent() {
    // IndexedDB holds numbers as f64: as plain numbers these would come back rounded.
    let name = fresh_name();
    let mut record = job("prompt-seed", "project-1", JobStatus::Done);
    record.seed = Some(u64::MAX);
    record.prompt = serde_json::json!({ "3": { "class_type": "KSampler", "inputs": { "seed": u64::MAX } } });
    open(&name).await.put_job(&record).await.expect("job saved");

    let back = open(&name)
        .await
        .get_job("prompt-seed")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(back.seed, Some(u64::MAX));
    assert_eq!(back.prompt["3"]["inputs"]["seed"].as_u64(), Some(u64::MAX));
}

#[wasm_bindgen_test]
async fn a_fixed_shot_seed_of_u64_max_reads_back_exact_after_a_reload() {
    let name = fresh_name();
    let mut project = project_with_shots(1);
    project.scenes[0].shots[0].seed = shotline_model::project::Seed::Fixed(u64::MAX);
    open(&name).await.insert_project(&project).await.expect("saved");

    let reloaded = open(&name).await.load_project(&project.id).await.expect("opens");
    assert_eq!(
        reloaded.project.scenes[0].shots[0].seed,
        shotline_model::project::Seed::Fixed(u64::MAX)
    );
}

#[wasm_bindgen_test]
async fn unfinished_jobs_are_the_active_ones_and_project_jobs_are_the_projects_own() {
    let storage = open(&fresh_name()).await;
    for record in [
        job("a", "p1", JobStatus::Active),
        job("b", "p1", JobStatus::Done),
        job("c", "p2", JobStatus::Active),
        job("d", "p2", JobStatus::Lost),
    ] {
        storage.put_job(&record).await.expect("job saved");
    }
    let ids = |jobs: Vec<JobRecord>| jobs.into_iter().map(|j| j.prompt_id).collect::<Vec<_>>();
    assert_eq!(
        storage.unfinished_jobs().await.map(ids),
        Ok(vec!["a".into(), "c".into()])
    );
    assert_eq!(
        storage.jobs_for_project("p2").await.map(ids),
        Ok(vec!["c".into(), "d".into()])
    );
}

/// A database the first release made (its four stores, records in each, record version
/// 1) opens under this version with every record kept, and gains the render queue.
#[wasm_bindgen_test]
async fn a_v1_database_upgrades_keeping_every_record_and_gains_a_working_render_queue() {
    // Project parts and media as this build writes them, copied over raw: version 2
    // rewrote no record of the v1 stores, so these are v1 records. (A version that
    // rewrites them must write the old records out literally here instead.)
    let scratch_name = fresh_name();
    let scratch = open(&scratch_name).await;
    let project = render_queue::queued_project(3);
    scratch.insert_project(&project).await.expect("saved");
    let media = scratch
        .put_media(project.id.as_str(), "image/png", &png_data_url(), PNG_BYTES)
        .await
        .expect("saved");
    let scratch_raw = raw_connection(&scratch_name).await;

    let name = fresh_name();
    let v1 = build_v1_database(&name).await;
    for store in ["projects", "media"] {
        copy_raw(&scratch_raw, &v1, store).await;
    }
    let record = job("old-prompt", project.id.as_str(), JobStatus::Active);
    put_raw(&v1, "jobs", &serde_json::to_string(&record).expect("serialises")).await;
    let session = serde_json::json!({ "project": project.id, "selection": {} });
    let setting = serde_json::json!({ "key": "session", "value": session });
    put_raw(&v1, "settings", &setting.to_string()).await;
    put_raw(&v1, "settings", r#"{"key":"records_version","value":1}"#).await;
    v1.close();

    let storage = open(&name).await;
    assert_eq!(storage.get_job("old-prompt").await, Ok(Some(record)));
    assert_eq!(
        storage
            .load_project(&project.id)
            .await
            .map(|stored| stored.project),
        Ok(project.clone())
    );
    let kept = storage.get_media(&media).await.expect("read").expect("kept");
    assert_eq!(
        (kept.data_url, kept.project_ids),
        (png_data_url(), vec![project.id.to_string()])
    );
    assert_eq!(storage.get_setting("session").await, Ok(Some(session)));
    assert_eq!(storage.get_setting("records_version").await, Ok(Some(DB_VERSION)));
    assert!(storage.take_skipped_records().is_empty());

    let mut queue = RenderQueue::new(project.id.clone());
    queue
        .enqueue(&project, &Scope::All, 2, 0, &mut || {
            uuid::Uuid::new_v4().to_string()
        })
        .expect("queued");
    storage
        .write_queue_changes(&queue.drain_changes(), project.id.as_str())
        .await
        .expect("the new store takes the queue");
    let (records, settings) = storage.queue_records(project.id.as_str()).await.expect("read");
    let (loaded, report) = RenderQueue::load(&project, &records, settings.as_ref());
    assert_eq!((loaded.entries().len(), report.skipped), (3, 0));
    assert_eq!(loaded.entries(), queue.entries());
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_shotline_is_refused_without_hanging() {
    let name = fresh_name();
    Rexie::builder(&name)
        .version(DB_VERSION + 1)
        .build()
        .await
        .expect("a newer database builds")
        .close();
    assert_eq!(
        Storage::open(&name).await.err(),
        Some(StorageError::NewerVersion {
            supported: DB_VERSION
        })
    );
}

#[wasm_bindgen_test]
async fn another_tab_upgrading_closes_this_connection_and_later_calls_say_so() {
    let name = fresh_name();
    let storage = open(&name).await;
    storage
        .put_job(&job("p", "x", JobStatus::Active))
        .await
        .expect("saved");

    // The newer tab's open completes only because this connection closed itself.
    let newer = Rexie::builder(&name).version(DB_VERSION + 1).build().await;
    assert!(newer.is_ok(), "the upgrade was not blocked by the old connection");
    assert_eq!(storage.get_job("p").await, Err(StorageError::VersionChange));
}

/// A `/view` download goes through `BrowserMedia` (browser-made data URL and hash): it
/// must find what `put_media` stored for the same bytes, and store the same record.
#[wasm_bindgen_test]
async fn media_read_by_the_browser_gets_the_same_id_and_record_as_put_media() {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(PNG_BASE64)
        .expect("valid base64");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    // The server's Content-Type is not trusted: the type comes from the file name.
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).expect("a blob");
    let media = BrowserMedia::read(&blob, "image/png").await.expect("read");
    assert_eq!(media.data_url(), png_data_url());

    let storage = open(&fresh_name()).await;
    let from_browser = storage.put_browser_media("p1", &media).await.expect("saved");
    let record = storage
        .get_media(&from_browser)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(record.data_url, png_data_url());
    assert_eq!((record.mime.as_str(), record.bytes), ("image/png", PNG_BYTES));
    let from_data_url = storage
        .put_media("p2", "image/png", &png_data_url(), PNG_BYTES)
        .await
        .expect("linked");
    assert_eq!(from_browser, from_data_url, "the same bytes get the same id");
    assert_eq!(storage.media_ids().await, Ok(vec![from_browser]));
}

#[wasm_bindgen_test]
async fn identical_media_is_stored_once_and_shared_by_both_projects() {
    let storage = open(&fresh_name()).await;
    let first = storage
        .put_media("p1", "image/png", &png_data_url(), PNG_BYTES)
        .await;
    let second = storage
        .put_media("p2", "image/png", &png_data_url(), PNG_BYTES)
        .await;
    assert_eq!(first, second, "the same bytes get the same id");
    let id = first.expect("media saved");

    assert_eq!(storage.media_ids().await, Ok(vec![id.clone()]));
    let record = storage.get_media(&id).await.expect("read").expect("stored");
    assert_eq!(record.project_ids, vec!["p1".to_owned(), "p2".to_owned()]);
    assert_eq!(record.sha256, id.as_str());
    assert_eq!(record.data_url, png_data_url());
    assert_eq!(storage.media_for_project("p2").await.map(|m| m.len()), Ok(1));
}

#[wasm_bindgen_test]
async fn media_that_does_not_decode_to_the_stated_size_is_refused() {
    let storage = open(&fresh_name()).await;
    let short = storage
        .put_media("p1", "image/png", &png_data_url(), PNG_BYTES + 1)
        .await;
    assert_eq!(
        short,
        Err(StorageError::MediaMismatch {
            expected_bytes: PNG_BYTES + 1
        })
    );
    let wrong_type = storage
        .put_media("p1", "video/mp4", &png_data_url(), PNG_BYTES)
        .await;
    assert!(wrong_type.is_err());
    assert_eq!(storage.media_ids().await, Ok(vec![]));
}

#[wasm_bindgen_test]
async fn a_full_disk_on_a_media_write_is_reported_as_quota_exceeded_and_stores_nothing() {
    let storage = open(&fresh_name()).await;
    storage.inject_media_write_failure(Some("QuotaExceededError"));
    let refused = storage
        .put_media("p1", "image/png", &png_data_url(), PNG_BYTES)
        .await;
    assert_eq!(refused, Err(StorageError::QuotaExceeded));
    assert!(refused.is_err_and(|error| error.is_out_of_space()));
    assert_eq!(storage.media_ids().await, Ok(vec![]));

    // Jobs and projects are other stores: they keep saving.
    storage
        .put_job(&job("p", "p1", JobStatus::Done))
        .await
        .expect("job still saves");
    storage
        .insert_project(&project_with_shots(2))
        .await
        .expect("project still saves");
}

#[wasm_bindgen_test]
async fn a_damaged_job_is_skipped_and_reported_while_the_others_load() {
    let name = fresh_name();
    let storage = open(&name).await;
    storage
        .put_job(&job("good", "p1", JobStatus::Active))
        .await
        .expect("saved");
    let raw = raw_connection(&name).await;
    put_raw(
        &raw,
        "jobs",
        r#"{"prompt_id":"bad","project_id":"p1","status":"active","attempt":"x"}"#,
    )
    .await;

    let unfinished = storage.unfinished_jobs().await.expect("the read succeeds");
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].prompt_id, "good");
    let skipped = storage.take_skipped_records();
    assert!(
        matches!(&skipped[..], [StorageError::CorruptRecord { store: "jobs", key, .. }] if key == "bad"),
        "skipped: {skipped:?}"
    );
}

#[wasm_bindgen_test]
async fn a_damaged_shot_is_left_out_and_reported_while_the_project_opens() {
    let name = fresh_name();
    let storage = open(&name).await;
    let project = project_with_shots(3);
    storage.insert_project(&project).await.expect("saved");
    let broken = &project.scenes[0].shots[1].id;
    let raw = raw_connection(&name).await;
    let record = serde_json::json!({
        "project_id": project.id, "part": "shot", "id": broken, "body": { "prompt": 42 }
    });
    put_raw(&raw, "projects", &record.to_string()).await;

    let loaded = storage
        .load_project(&project.id)
        .await
        .expect("the project opens");
    let ids: Vec<_> = loaded.project.scenes[0]
        .shots
        .iter()
        .map(|s| s.id.clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            project.scenes[0].shots[0].id.clone(),
            project.scenes[0].shots[2].id.clone()
        ]
    );
    assert_eq!(storage.take_skipped_records().len(), 1);
}

#[wasm_bindgen_test]
async fn a_stored_project_reads_back_equal_and_one_shot_edit_writes_under_10_kb() {
    let name = fresh_name();
    let storage = open(&name).await;
    let project = project_with_shots(200);
    let first = storage.insert_project(&project).await.expect("saved");

    let mut history = History::new(project);
    let shot = history.project().scenes[0].shots[120].id.clone();
    let change = history
        .apply(
            Action::SetPrompt {
                shot: shot.clone(),
                prompt: "a lantern swings".into(),
            },
            5,
        )
        .expect("edit applies");
    assert_eq!(change, Change::shot(shot));
    let receipt = storage
        .save_project_changes(history.project(), &change, first.revision)
        .await
        .expect("saved");
    web_sys::console::log_1(
        &format!(
            "one shot edit, 200 shots: {} bytes written (whole project {} bytes)",
            receipt.bytes_written, first.bytes_written
        )
        .into(),
    );
    assert!(
        receipt.bytes_written <= 10 * 1024,
        "{} bytes",
        receipt.bytes_written
    );

    let reloaded = open(&name)
        .await
        .load_project(&history.project().id)
        .await
        .expect("opens");
    assert_eq!(reloaded.project, *history.project());
    assert_eq!(reloaded.revision, receipt.revision);
}

#[wasm_bindgen_test]
async fn a_save_based_on_a_revision_another_tab_replaced_is_refused() {
    let storage = open(&fresh_name()).await;
    let project = project_with_shots(2);
    let first = storage.insert_project(&project).await.expect("saved");
    let change = Change::document();
    storage
        .save_project_changes(&project, &change, first.revision)
        .await
        .expect("first tab saves");
    let second = storage
        .save_project_changes(&project, &change, first.revision)
        .await;
    assert_eq!(
        second,
        Err(StorageError::Conflict {
            project: project.id.to_string()
        })
    );
}

#[wasm_bindgen_test]
async fn deleting_a_project_removes_its_jobs_and_the_media_no_one_else_uses() {
    let storage = open(&fresh_name()).await;
    let project = project_with_shots(1);
    let id = project.id.as_str();
    storage.insert_project(&project).await.expect("saved");
    storage
        .put_job(&job("j", id, JobStatus::Done))
        .await
        .expect("saved");
    let shared = storage
        .put_media(id, "image/png", &png_data_url(), PNG_BYTES)
        .await
        .expect("saved");
    storage
        .put_media("other", "image/png", &png_data_url(), PNG_BYTES)
        .await
        .expect("saved");

    storage.delete_project(&project.id).await.expect("deleted");
    assert_eq!(storage.list_projects().await, Ok(vec![]));
    assert_eq!(storage.get_job("j").await, Ok(None));
    let media = storage
        .get_media(&shared)
        .await
        .expect("read")
        .expect("still used by `other`");
    assert_eq!(media.project_ids, vec!["other".to_owned()]);
}

#[wasm_bindgen_test]
async fn largest_projects_rank_projects_by_the_media_they_use() {
    let storage = open(&fresh_name()).await;
    let big = project_with_shots(1);
    storage.insert_project(&big).await.expect("saved");
    storage
        .put_media(big.id.as_str(), "image/png", &png_data_url(), PNG_BYTES)
        .await
        .expect("saved");
    let gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
    storage
        .put_media(big.id.as_str(), "image/gif", gif, 14)
        .await
        .expect("saved");
    storage
        .put_media("small", "image/gif", gif, 14)
        .await
        .expect("saved");

    let ranked = storage.largest_projects(5).await.expect("measured");
    let ranked: Vec<_> = ranked
        .into_iter()
        .map(|u| (u.project_id.to_string(), u.media_bytes))
        .collect();
    assert_eq!(
        ranked,
        vec![(big.id.to_string(), PNG_BYTES + 14), ("small".to_owned(), 14)]
    );
    assert!(Storage::estimate().await.is_ok_and(|e| e.quota_bytes > 0.0));
}

/// One clientId per tab, kept for that tab's reloads: sessionStorage, never the
/// localStorage every tab of the browser shares (ComfyUI keeps one socket per clientId,
/// so a shared id silences the first tab when a second opens).
#[wasm_bindgen_test]
fn the_client_id_belongs_to_this_tab_and_stays_for_its_reloads() {
    let window = web_sys::window().unwrap();
    let local = window.local_storage().unwrap().unwrap();
    local
        .set_item("shotline.client_id", "shared-by-every-tab")
        .unwrap();
    let first = shotline::storage::settings::client_id();
    assert_ne!(first, "shared-by-every-tab");
    assert_eq!(shotline::storage::settings::client_id(), first);
    let session = window.session_storage().unwrap().unwrap();
    assert_eq!(
        session.get_item("shotline.client_id").unwrap().as_deref(),
        Some(first.as_str())
    );
    assert_eq!(local.get_item("shotline.client_id").unwrap(), None);
}

/// A job ends once: with two tabs following it, a tab behind cannot turn the verdict
/// another wrote back into "active", nor into another verdict; the same verdict may be
/// written again (the outputs arrive after it).
#[wasm_bindgen_test]
async fn the_first_verdict_on_a_job_stands_whichever_tab_writes_after_it() {
    let storage = open(&fresh_name()).await;
    storage
        .put_job(&job("p", "project", JobStatus::Active))
        .await
        .unwrap();
    let mut done = job("p", "project", JobStatus::Done);
    storage.put_job(&done).await.unwrap();
    storage
        .put_job(&job("p", "project", JobStatus::Active))
        .await
        .unwrap();
    storage
        .put_job(&job("p", "project", JobStatus::Lost))
        .await
        .unwrap();
    assert_eq!(
        storage.get_job("p").await.unwrap().map(|r| r.status),
        Some(JobStatus::Done)
    );
    done.outputs = vec!["media-1".to_owned()];
    storage.put_job(&done).await.unwrap();
    assert_eq!(storage.get_job("p").await.unwrap(), Some(done));
    assert!(storage.unfinished_jobs().await.unwrap().is_empty());
}

/// The names the status index is read by are the ones records are written with.
#[wasm_bindgen_test]
fn job_status_names_are_the_stored_ones() {
    for status in [
        JobStatus::Active,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
        JobStatus::Lost,
    ] {
        assert_eq!(serde_json::to_value(status).unwrap(), status.name());
    }
}

/// A tab's lock is its own while it lives: a second claim on the same id (a duplicated
/// tab, which inherits the sessionStorage id) is refused, and the lock is free once the
/// first lets go. Work under one lock name runs one piece at a time.
#[wasm_bindgen_test]
async fn a_tab_lock_is_held_once_and_exclusive_work_does_not_overlap() {
    use shotline::tabs::{Claim, claim, exclusive, held_names};
    use std::cell::Cell;
    use std::rc::Rc;

    let name = format!("shotline.test.{}", uuid::Uuid::new_v4());
    let Claim::Held(first) = claim(&name).await else {
        panic!("a free lock is granted");
    };
    assert!(held_names().await.unwrap().contains(&name));
    assert!(matches!(claim(&name).await, Claim::Taken));
    drop(first);
    // The browser frees it once the lock's promise settles, a task later.
    let mut again = claim(&name).await;
    for _ in 0..50 {
        if matches!(again, Claim::Held(_)) {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
        again = claim(&name).await;
    }
    assert!(matches!(again, Claim::Held(_)), "released when dropped");
    drop(again);

    let inside = Rc::new(Cell::new(0));
    let most = Rc::new(Cell::new(0));
    let work = |n: u32| {
        let (inside, most) = (Rc::clone(&inside), Rc::clone(&most));
        async move {
            inside.set(inside.get() + 1);
            most.set(most.get().max(inside.get()));
            gloo_timers::future::TimeoutFuture::new(30).await;
            inside.set(inside.get() - 1);
            n
        }
    };
    let (a, b) = futures::join!(exclusive(&name, work(1)), exclusive(&name, work(2)));
    assert_eq!((a, b), (1, 2));
    assert_eq!(most.get(), 1, "the two ran one after the other");
}
