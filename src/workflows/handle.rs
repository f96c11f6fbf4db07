//! The Copy handle: the node lists of servers (fetched on demand, cached, refreshable)
//! and the caches the other parts of this module share.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::ObjectInfo;
use wasm_bindgen_futures::spawn_local;

use super::preflight::PreflightCache;
use crate::comfy::{ComfyClient, ComfyError};
use crate::generation::Generation;
use crate::project::ProjectData;
use crate::storage::Storage;

/// A server's node list as views see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectInfoState {
    Loading,
    /// Shared: a full `/object_info` is megabytes of specs, and views clone states.
    Ready(Arc<ObjectInfo>),
    Failed(ComfyError),
}

#[derive(Clone, Copy)]
pub struct Workflows {
    pub(super) data: ProjectData,
    /// `None` when IndexedDB is unavailable: keyframes cannot be read, runs not found.
    pub(super) storage: Option<Storage>,
    pub(super) object_infos: RwSignal<HashMap<ServerUrl, ObjectInfoState>>,
    pub(super) preflights: StoredValue<PreflightCache>,
    /// Uploads the keyframes of the prompts built here.
    pub(super) generation: Generation,
}

impl Workflows {
    /// The handle without context (see `provide_workflows`); call inside a reactive owner.
    pub fn new(data: ProjectData, storage: Option<Storage>, generation: Generation) -> Self {
        Self {
            data,
            storage,
            generation,
            object_infos: RwSignal::new(HashMap::new()),
            preflights: StoredValue::new(PreflightCache::default()),
        }
    }

    /// The node list of `server` as last fetched, tracked; `None` before the first fetch.
    pub fn object_info(&self, server: &ServerUrl) -> Option<ObjectInfoState> {
        self.object_infos.with(|infos| infos.get(server).cloned())
    }

    /// Fetches the node list of `server` in the background unless it is known or on its way.
    pub fn load_object_info(&self, server: &ServerUrl) {
        let known = self
            .object_infos
            .with_untracked(|infos| infos.get(server).is_some_and(|state| !is_failed(state)));
        if !known {
            self.refresh_object_info(server);
        }
    }

    /// Fetches the node list of `server` again, e.g. after models were added to it.
    pub fn refresh_object_info(&self, server: &ServerUrl) {
        let workflows = *self;
        let server = server.clone();
        spawn_local(async move {
            // The outcome lands in the signal, where views read it.
            let _ = workflows.fetch_object_info(&server).await;
        });
    }

    /// The node list of `server`: the cached one when ready, else fetched now.
    pub async fn ensure_object_info(&self, server: &ServerUrl) -> Result<Arc<ObjectInfo>, ComfyError> {
        let cached = self.object_infos.with_untracked(|infos| match infos.get(server) {
            Some(ObjectInfoState::Ready(info)) => Some(info.clone()),
            _ => None,
        });
        match cached {
            Some(info) => Ok(info),
            None => self.fetch_object_info(server).await,
        }
    }

    /// Fetches the node list of `server` and caches the outcome.
    pub async fn fetch_object_info(&self, server: &ServerUrl) -> Result<Arc<ObjectInfo>, ComfyError> {
        self.set_object_info(server, ObjectInfoState::Loading);
        let fetched = ComfyClient::new(server.clone()).object_info().await.map(Arc::new);
        let state = match &fetched {
            Ok(info) => ObjectInfoState::Ready(info.clone()),
            Err(error) => ObjectInfoState::Failed(error.clone()),
        };
        self.set_object_info(server, state);
        fetched
    }

    /// The node list of `server` if it is already fetched; never asks the server.
    pub(super) fn cached_object_info(&self, server: &ServerUrl) -> Option<Arc<ObjectInfo>> {
        self.object_infos.with_untracked(|infos| match infos.get(server) {
            Some(ObjectInfoState::Ready(info)) => Some(info.clone()),
            _ => None,
        })
    }

    fn set_object_info(&self, server: &ServerUrl, state: ObjectInfoState) {
        // The handle may outlive its owner in a background task; then nobody reads it.
        self.object_infos.try_update(|infos| {
            infos.insert(server.clone(), state);
        });
    }
}

fn is_failed(state: &ObjectInfoState) -> bool {
    matches!(state, ObjectInfoState::Failed(_))
}
