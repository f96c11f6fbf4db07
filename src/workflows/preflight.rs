//! Preflight of a profile against a server's node list, cached per (server, profile):
//! views ask on every render, and a full node list makes a check worth keeping.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use shotline_model::project::{ProfileId, WorkflowProfile};
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::{ObjectInfo, Problem, preflight};

use super::error::WorkflowError;
use super::handle::{ObjectInfoState, Workflows};
use super::profiles::read_profile;
use crate::comfy::ComfyError;

/// What a view shows for one profile on one server.
#[derive(Debug, Clone, PartialEq)]
pub enum Preflight {
    /// The server's node list is not fetched yet, or is being fetched.
    Waiting,
    /// The node list could not be fetched, so nothing could be checked.
    ServerUnavailable(ComfyError),
    /// Checked; an empty list means the profile should run on that server.
    Checked(Arc<Vec<Problem>>),
    Failed(WorkflowError),
}

#[derive(Default)]
pub(super) struct PreflightCache {
    results: HashMap<(ServerUrl, ProfileId), CachedCheck>,
}

/// A check stays valid while both the node list and the profile are the ones it checked.
struct CachedCheck {
    object_info: Arc<ObjectInfo>,
    profile: WorkflowProfile,
    problems: Arc<Vec<Problem>>,
}

impl Workflows {
    /// The preflight of `profile` on `server`, tracked: it follows edits of the profile and
    /// refreshes of the node list. Does not fetch; see [`Workflows::load_object_info`].
    pub fn preflight(&self, server: &ServerUrl, profile: &ProfileId) -> Preflight {
        let stored = self
            .data
            .with_project(|project| project.profiles.iter().find(|p| &p.id == profile).cloned())
            .flatten();
        let Some(stored) = stored else {
            return Preflight::Failed(WorkflowError::ProfileNotFound(profile.clone()));
        };
        match self.object_info(server) {
            None | Some(ObjectInfoState::Loading) => Preflight::Waiting,
            Some(ObjectInfoState::Failed(error)) => Preflight::ServerUnavailable(error),
            Some(ObjectInfoState::Ready(info)) => match self.checked(server, &stored, info) {
                Ok(problems) => Preflight::Checked(problems),
                Err(error) => Preflight::Failed(error),
            },
        }
    }

    /// Fetches the node list of `server` if needed, then checks `profile` against it.
    pub async fn check_profile(
        &self,
        server: &ServerUrl,
        profile: &ProfileId,
    ) -> Result<Arc<Vec<Problem>>, WorkflowError> {
        let info = self.ensure_object_info(server).await?;
        let stored = self
            .data
            .read_untracked(|project| project.profiles.iter().find(|p| &p.id == profile).cloned())
            .flatten()
            .ok_or_else(|| WorkflowError::ProfileNotFound(profile.clone()))?;
        self.checked(server, &stored, info)
    }

    fn checked(
        &self,
        server: &ServerUrl,
        stored: &WorkflowProfile,
        object_info: Arc<ObjectInfo>,
    ) -> Result<Arc<Vec<Problem>>, WorkflowError> {
        let key = (server.clone(), stored.id.clone());
        let cached = self.preflights.with_value(|cache| {
            cache
                .results
                .get(&key)
                .filter(|check| Arc::ptr_eq(&check.object_info, &object_info) && &check.profile == stored)
                .map(|check| check.problems.clone())
        });
        if let Some(problems) = cached {
            return Ok(problems);
        }
        let profile = read_profile(stored)?;
        let problems = Arc::new(preflight(&profile.workflow, &profile.mapping, &object_info));
        self.preflights.update_value(|cache| {
            cache.results.insert(
                key,
                CachedCheck {
                    object_info,
                    profile: stored.clone(),
                    problems: problems.clone(),
                },
            );
        });
        Ok(problems)
    }
}
