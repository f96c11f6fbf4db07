//! `ProjectData` over a real IndexedDB in headless Chromium, each test on a database of
//! its own: saves, reload, undo, the project list, export/import, two tabs.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shotline::project::{ProjectData, SAVE_DEBOUNCE_MS, Selection};
use shotline::storage::{Storage, StorageError};
use shotline_model::project::{Action, ShotId};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PNG_DATA_URL: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PNG_BYTES: u64 = 70;
const TEN_KB: u64 = 10 * 1024;

fn fresh_name() -> String {
    format!("shotline-test-{}", uuid::Uuid::new_v4())
}

/// A tab: its own reactive owner and its own connection to the database `name`.
async fn open_tab(name: &str) -> ProjectData {
    Owner::new().set();
    let data = ProjectData::new(Storage::open(name).await);
    data.restore().await.expect("restore opens or creates a project");
    data
}

fn first_shot(data: &ProjectData) -> ShotId {
    data.with_project(|p| p.scenes[0].shots[0].id.clone())
        .expect("a project is open")
}

fn prompt_of(data: &ProjectData, shot: &ShotId) -> Option<String> {
    data.with_project(|p| p.shot(shot).map(|s| s.prompt.clone()))
        .flatten()
}

#[wasm_bindgen_test]
async fn an_edit_is_saved_after_the_debounce_and_comes_back_with_its_selection_after_a_reload() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let shot = first_shot(&tab);
    tab.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "fog over the pier".into(),
    })
    .expect("edit applies");
    tab.select(Selection {
        scene: None,
        shot: Some(shot.clone()),
    });
    TimeoutFuture::new(SAVE_DEBOUNCE_MS * 2).await;
    assert_eq!(tab.save_stats().get_untracked().saves, 1);

    let reloaded = open_tab(&name).await;
    assert_eq!(prompt_of(&reloaded, &shot).as_deref(), Some("fog over the pier"));
    assert_eq!(reloaded.selection().get_untracked().shot, Some(shot));
}

#[wasm_bindgen_test]
async fn edits_within_the_debounce_are_batched_into_one_save() {
    let tab = open_tab(&fresh_name()).await;
    let shot = first_shot(&tab);
    for prompt in ["f", "fo", "fog"] {
        tab.apply(Action::SetPrompt {
            shot: shot.clone(),
            prompt: prompt.into(),
        })
        .expect("applies");
    }
    tab.flush().await.expect("saved");
    assert_eq!(tab.save_stats().get_untracked().saves, 1);
}

#[wasm_bindgen_test]
async fn one_shot_edit_in_a_200_shot_project_writes_at_most_10_kb() {
    let tab = open_tab(&fresh_name()).await;
    let scene = tab.with_project(|p| p.scenes[0].id.clone()).expect("open");
    let prompt = "Rain on neon signs; a vendor pulls a tarp over the fruit as steam rises. ".repeat(3);
    for at in 1..200 {
        let shot = tab.add_shot(&scene, at).expect("added");
        tab.apply(Action::SetPrompt {
            shot,
            prompt: prompt.clone(),
        })
        .expect("applies");
    }
    tab.flush().await.expect("saved");
    let shot = tab
        .with_project(|p| p.scenes[0].shots[150].id.clone())
        .expect("open");

    tab.apply(Action::SetPrompt {
        shot,
        prompt: "a lantern swings".into(),
    })
    .expect("applies");
    tab.flush().await.expect("saved");
    let stats = tab.save_stats().get_untracked();
    web_sys::console::log_1(
        &format!(
            "one shot edit, 200 shots: {} bytes written in {:.1} ms",
            stats.last_save_bytes, stats.last_save_duration_ms
        )
        .into(),
    );
    assert!(stats.last_save_bytes <= TEN_KB, "{} bytes", stats.last_save_bytes);
}

#[wasm_bindgen_test]
async fn undo_and_redo_restore_the_prompt_and_what_is_saved_follows() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let shot = first_shot(&tab);
    assert!(!tab.can_undo().get_untracked());
    tab.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "dawn".into(),
    })
    .expect("applies");
    assert!(tab.can_undo().get_untracked());
    assert!(tab.undo());
    assert_eq!(prompt_of(&tab, &shot).as_deref(), Some(""));
    assert!(tab.can_redo().get_untracked());
    assert!(tab.redo());
    tab.flush().await.expect("saved");

    let reloaded = open_tab(&name).await;
    assert_eq!(prompt_of(&reloaded, &shot).as_deref(), Some("dawn"));
}

#[wasm_bindgen_test]
async fn the_project_list_creates_renames_duplicates_and_opens() {
    let tab = open_tab(&fresh_name()).await;
    let first = tab.project_id().expect("restore created a project");
    let second = tab.create_project("Harbour").await.expect("created");
    assert_eq!(tab.project_id(), Some(second.clone()));
    tab.rename_project(&first, "Market")
        .await
        .expect("renamed while closed");
    let copy = tab.duplicate_project(&second).await.expect("duplicated");

    let names: Vec<String> = tab
        .projects()
        .get_untracked()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names.len(), 3);
    for expected in ["Market", "Harbour", "Harbour (copy)"] {
        assert!(names.iter().any(|name| name == expected), "{names:?}");
    }
    tab.open_project(&copy).await.expect("opens");
    assert_eq!(
        tab.with_project(|p| p.name.clone()).as_deref(),
        Some("Harbour (copy)")
    );
}

#[wasm_bindgen_test]
async fn a_deleted_project_can_be_brought_back_until_the_next_delete_makes_it_final() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let doomed = tab.create_project("Doomed").await.expect("created");
    tab.delete_project(&doomed).await.expect("deleting");
    assert!(tab.projects().get_untracked().iter().all(|s| s.id != doomed));
    assert!(tab.undo_delete());
    assert!(tab.projects().get_untracked().iter().any(|s| s.id == doomed));

    let other = tab.create_project("Other").await.expect("created");
    tab.delete_project(&doomed).await.expect("deleting");
    tab.delete_project(&other)
        .await
        .expect("a second delete ends the first one's window");
    let stored = Storage::open(&name)
        .await
        .expect("opens")
        .list_projects()
        .await
        .expect("lists");
    assert!(stored.iter().all(|s| s.id != doomed), "the first delete is final");
    assert!(
        stored.iter().any(|s| s.id == other),
        "the second can still be undone"
    );
}

#[wasm_bindgen_test]
async fn export_with_media_then_import_gives_the_same_media_byte_for_byte() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let storage = Storage::open(&name).await.expect("opens");
    let project = tab.project_id().expect("open");
    let media = storage
        .put_media(project.as_str(), "image/png", PNG_DATA_URL, PNG_BYTES)
        .await
        .expect("saved");
    tab.apply(Action::SetKeyframe {
        shot: first_shot(&tab),
        keyframe: Some(media.clone()),
    })
    .expect("applies");

    let file = tab.export_open_project(true).await.expect("exports");
    let imported = tab.import_project_file(&file).await.expect("imports");
    assert_ne!(imported, project, "an id already here is not overwritten");
    let keyframe = tab
        .with_project(|p| p.scenes[0].shots[0].keyframe.clone())
        .flatten();
    assert_eq!(keyframe, Some(media.clone()));
    let record = storage.get_media(&media).await.expect("read").expect("stored");
    assert_eq!(record.data_url, PNG_DATA_URL);
    assert!(record.project_ids.contains(&imported.to_string()));
}

#[wasm_bindgen_test]
async fn a_file_that_is_not_a_project_is_refused_and_changes_nothing() {
    let tab = open_tab(&fresh_name()).await;
    let before = tab.projects().get_untracked();
    assert!(
        tab.import_project_file("{\"nodes\": [], \"links\": []}")
            .await
            .is_err()
    );
    assert!(tab.import_project_file("not json").await.is_err());
    tab.refresh_projects().await.expect("lists");
    assert_eq!(tab.projects().get_untracked(), before);
}

#[wasm_bindgen_test]
async fn a_second_tab_saving_the_same_project_is_told_and_does_not_overwrite_the_first() {
    let name = fresh_name();
    let first = open_tab(&name).await;
    let second = open_tab(&name).await;
    let shot = first_shot(&first);
    assert_eq!(second.project_id(), first.project_id());

    first
        .apply(Action::SetPrompt {
            shot: shot.clone(),
            prompt: "from the first tab".into(),
        })
        .expect("applies");
    first.flush().await.expect("saved");
    second
        .apply(Action::SetPrompt {
            shot: shot.clone(),
            prompt: "from the second tab".into(),
        })
        .expect("applies");
    let _ = second.flush().await;

    assert!(
        second.conflict().get_untracked().is_some(),
        "the second tab is told"
    );
    assert!(first.conflict().get_untracked().is_none());
    let reloaded = open_tab(&name).await;
    assert_eq!(prompt_of(&reloaded, &shot).as_deref(), Some("from the first tab"));
}

#[wasm_bindgen_test]
async fn a_full_disk_on_media_is_a_typed_error_and_the_project_keeps_saving() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let storage = Storage::open(&name).await.expect("opens");
    storage.inject_media_write_failure(Some("QuotaExceededError"));
    let project = tab.project_id().expect("open");
    let refused = storage
        .put_media(project.as_str(), "image/png", PNG_DATA_URL, PNG_BYTES)
        .await;
    assert!(refused.is_err_and(|error| error.is_out_of_space()));

    let shot = first_shot(&tab);
    tab.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "still saved".into(),
    })
    .expect("applies");
    tab.flush().await.expect("the project is another store and saves");
    assert_eq!(
        prompt_of(&open_tab(&name).await, &shot).as_deref(),
        Some("still saved")
    );
}

#[wasm_bindgen_test]
async fn without_indexeddb_the_app_runs_in_memory_and_says_why() {
    Owner::new().set();
    let problem = StorageError::Unavailable {
        reason: "private window".into(),
    };
    let data = ProjectData::new(Err(problem.clone()));
    data.restore().await.expect("an in-memory project is created");
    let shot = first_shot(&data);
    data.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "kept in memory".into(),
    })
    .expect("applies");
    assert_eq!(prompt_of(&data, &shot).as_deref(), Some("kept in memory"));
    assert_eq!(data.storage_problem().get_untracked(), Some(problem));
}

#[wasm_bindgen_test]
async fn overlapping_saves_take_turns_instead_of_refusing_each_other_as_a_conflict() {
    let name = fresh_name();
    let tab = open_tab(&name).await;
    let shot = first_shot(&tab);
    tab.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "first".into(),
    })
    .expect("edit applies");
    // Start a save, and while it writes, edit again and save again.
    let first = tab.flush();
    tab.apply(Action::SetPrompt {
        shot: shot.clone(),
        prompt: "second".into(),
    })
    .expect("edit applies");
    let second = tab.flush();
    let (first, second) = futures::join!(first, second);
    first.expect("the first save is written");
    second.expect("the second save is written after it");
    assert_eq!(
        tab.conflict().get_untracked(),
        None,
        "no false conflict between this tab's own saves"
    );
    assert!(!tab.has_unsaved_changes().get_untracked());

    let reloaded = open_tab(&name).await;
    assert_eq!(prompt_of(&reloaded, &shot).as_deref(), Some("second"));
}
