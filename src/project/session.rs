//! What the user was looking at, so a reload comes back to it: the open project and the
//! selected scene and shot, kept in the `settings` store.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shotline_model::project::{ProjectId, SceneId, ShotId};
use wasm_bindgen_futures::spawn_local;

use super::handle::ProjectData;
use crate::storage::Storage;

const SESSION_KEY: &str = "session";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    pub scene: Option<SceneId>,
    pub shot: Option<ShotId>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Session {
    pub project: Option<ProjectId>,
    pub selection: Selection,
}

impl ProjectData {
    pub fn select(&self, selection: Selection) {
        self.selection.set(selection);
        self.save_session();
    }

    /// Written in the background: losing it costs only where the next reload lands.
    pub(super) fn save_session(&self) {
        let Some(storage) = self.storage else {
            return;
        };
        let session = Session {
            project: self
                .history
                .with_untracked(|h| h.as_ref().map(|h| h.project().id.clone())),
            selection: self.selection.get_untracked(),
        };
        let data = *self;
        spawn_local(async move {
            if let Err(error) = storage.put_setting(SESSION_KEY, &session).await {
                data.report(error.into());
            }
        });
    }
}

pub(super) async fn read_session(storage: Storage) -> Session {
    storage
        .get_setting::<Session>(SESSION_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
