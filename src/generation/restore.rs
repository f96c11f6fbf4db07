//! Jobs from earlier visits: unfinished ones are followed again, finished ones show the
//! media the store kept, so a reload with the server stopped still shows every take.

use std::rc::Rc;
use std::sync::Arc;

use shotline_model::project::MediaId;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::{JobEvent, JobState, Media, MediaKind};
use wasm_bindgen_futures::spawn_local;

use super::engine::{EngineRef, apply_event};
use super::handle::track;
use super::job_view::OutputMedia;
use super::{reconcile, servers};
use crate::storage::{JobRecord, Storage};
use crate::tabs;

/// After a reload: every job that had not ended is asked about again.
pub(super) async fn resume_unfinished(engine: EngineRef, storage: Storage) {
    let Ok(records) = storage.unfinished_jobs().await else {
        return;
    };
    for record in records {
        follow_again(&engine, record);
    }
}

/// Loads every job of a project, with the media of the finished ones.
pub(super) async fn load_project_jobs(engine: EngineRef, storage: Storage, project_id: String) {
    let Ok(records) = storage.jobs_for_project(&project_id).await else {
        return;
    };
    for record in records {
        if engine.borrow().jobs.contains_key(&record.prompt_id) {
            continue;
        }
        show_stored(&engine, storage, record).await;
    }
}

/// A stored job shown here: an unfinished one followed again, a finished one with the
/// media the store kept.
pub(super) async fn show_stored(engine: &EngineRef, storage: Storage, record: JobRecord) {
    if !record.job.is_terminal() {
        follow_again(engine, record);
        return;
    }
    let prompt_id = record.prompt_id.clone();
    let media_ids = record.outputs.clone();
    track(engine, record);
    let mut outputs = Vec::new();
    for id in media_ids {
        if let Ok(Some(media)) = storage.get_media(&MediaId::new(id.clone())).await {
            outputs.push(stored_output(&id, &media.mime, media.data_url));
        }
    }
    if let Some(job) = engine.borrow().jobs.get(&prompt_id) {
        job.show_outputs(|view| view.outputs = outputs);
    }
}

fn follow_again(engine: &EngineRef, record: JobRecord) {
    let Ok(server) = ServerUrl::parse(&record.server) else {
        return;
    };
    let prompt_id = record.prompt_id.clone();
    if engine.borrow().jobs.contains_key(&prompt_id) {
        return;
    }
    let client_id = record.client_id.clone();
    track(engine, record);
    servers::ensure_link(engine, &server);
    // The page cannot know what happened while it was closed.
    servers::suspect_restart(engine, server.as_str());
    let own = client_id == engine.borrow().client_id;
    if own {
        // This tab's earlier page sent the POST or was fetching the outputs: that page
        // is gone, so its POST cannot answer here and its download stopped.
        apply_event(engine, &prompt_id, JobEvent::Restored);
    } else {
        // Another tab's job: that tab, if still open, answers its own POST (a download it
        // is doing is waited for by the fetch, see `other_tabs`).
        let engine = Rc::clone(engine);
        let prompt_id = prompt_id.clone();
        spawn_local(async move {
            let submitting = engine
                .borrow()
                .jobs
                .get(&prompt_id)
                .is_some_and(|job| *job.record.job.state() == JobState::Submitting);
            if !submitting || tabs::tab_is_open(&client_id).await != Some(true) {
                apply_event(&engine, &prompt_id, JobEvent::Restored);
                reconcile::request(&engine, &prompt_id);
            }
        });
    }
    reconcile::request(engine, &prompt_id);
}

/// A stored output; its MIME type comes from the media store, which only accepts media
/// types, and is mapped onto the fixed table so nothing server-made reaches a data URL.
pub(super) fn stored_output(media_id: &str, mime: &str, data_url: String) -> OutputMedia {
    let Media { kind, mime } = Media::from_mime(mime).unwrap_or(Media {
        kind: MediaKind::Image,
        mime: "image/png",
    });
    OutputMedia {
        file_name: media_id.to_owned(),
        kind,
        mime,
        data_url: Arc::from(data_url),
        media_id: Some(media_id.to_owned()),
    }
}
