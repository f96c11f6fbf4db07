//! A single Generate click's server: the pool's choice for the shot's profiles, waited
//! for while a member's socket is still opening, and held by a [`Placed`] guard until
//! the job is recorded. "Resubmit on another server" moves a job the same way.

use gloo_timers::future::TimeoutFuture;
use std::collections::HashMap;

use leptos::prelude::*;
use shotline_model::pool::{NoServer, ServerSnapshot, choose_server};
use shotline_model::project::{ProfileId, ShotId};
use shotline_model::server_url::ServerUrl;

use super::Pool;
use crate::workflows::{BuildError, shot_profile_id};

/// A pool server whose socket is still opening (page just loaded, server just enabled)
/// is waited for this long before the shot is placed without it.
const CONNECT_WAIT_MS: u32 = 5_000;
const CONNECT_POLL_MS: u32 = 250;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaceError {
    #[error(transparent)]
    NoServer(#[from] NoServer),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("This job is no longer followed here: generate the shot again.")]
    JobGone,
}

/// A server chosen for a job that is not recorded yet: it counts as one more job there
/// until dropped, so two Generate clicks in quick succession do not both pick the same
/// idle server. Keep it until the job is submitted.
pub struct Placed {
    server: ServerUrl,
    placing: StoredValue<HashMap<String, usize>>,
}

impl Placed {
    fn new(server: ServerUrl, placing: StoredValue<HashMap<String, usize>>) -> Self {
        placing.update_value(|placing| *placing.entry(server.as_str().to_owned()).or_default() += 1);
        Self { server, placing }
    }
}

impl std::ops::Deref for Placed {
    type Target = ServerUrl;

    fn deref(&self) -> &ServerUrl {
        &self.server
    }
}

impl Drop for Placed {
    fn drop(&mut self) {
        let key = self.server.as_str();
        self.placing.try_update_value(|placing| {
            if let Some(count) = placing.get_mut(key) {
                *count = count.saturating_sub(1);
            }
        });
    }
}

impl Pool {
    /// Where a new job of `shot_id` goes (both stages of a two-stage shot go there).
    pub async fn server_for_shot(&self, active: &ServerUrl, shot_id: &ShotId) -> Result<Placed, PlaceError> {
        let profiles = self.profiles_of_shot(shot_id);
        self.place(active, &profiles, None).await
    }

    /// Where the keyframe stage of `shot_id` alone goes.
    pub async fn server_for_keyframe(&self, active: &ServerUrl) -> Result<Placed, PlaceError> {
        let profiles: Vec<ProfileId> = self
            .data
            .read_untracked(|project| project.stages.keyframe.clone())
            .flatten()
            .into_iter()
            .collect();
        self.place(active, &profiles, None).await
    }

    /// "Resubmit on another server": the same workflow as a new job on another healthy
    /// pool server; the shot's keyframe is uploaded there first (same hashed file name,
    /// so the recorded prompt finds it). Returns the new job's prompt id.
    pub async fn resubmit_elsewhere(
        &self,
        active: &ServerUrl,
        prompt_id: &str,
    ) -> Result<String, PlaceError> {
        let generation = self.generation;
        let view = generation
            .job(prompt_id)
            .and_then(|job| job.try_get_untracked())
            .ok_or(PlaceError::JobGone)?;
        let profiles: Vec<ProfileId> = view.profile_id.map(ProfileId::new).into_iter().collect();
        let server = self.place(active, &profiles, Some(&view.server)).await?;
        let keyframe = self
            .data
            .read_untracked(|project| {
                project
                    .shot(&ShotId::new(view.shot_id.clone()))
                    .and_then(|shot| shot.keyframe.clone())
            })
            .flatten();
        if let Some(keyframe) = keyframe {
            generation
                .keyframe_on_server(&server, &keyframe)
                .await
                .map_err(BuildError::from)?;
        }
        let moved = generation
            .resubmit_on(prompt_id, Some((*server).clone()))
            .ok_or(PlaceError::JobGone)?;
        // An unfinished job's server is down: its run ends here, so the shot never counts
        // twice (a finished one stays as it ended).
        generation.give_up(prompt_id);
        Ok(moved)
    }

    /// Jobs placed on `server` whose submission is not recorded yet.
    pub(super) fn placing_on(&self, server: &ServerUrl) -> usize {
        self.placing
            .with_value(|placing| placing.get(server.as_str()).copied().unwrap_or(0))
    }

    async fn place(
        &self,
        active: &ServerUrl,
        profiles: &[ProfileId],
        exclude: Option<&ServerUrl>,
    ) -> Result<Placed, PlaceError> {
        let Some(members) = self.open_members(active) else {
            return Ok(Placed::new(exclude.unwrap_or(active).clone(), self.placing));
        };
        let mut waited_ms = 0;
        loop {
            let servers: Vec<ServerSnapshot> = self
                .members_now(&members, profiles)
                .await
                .iter()
                .map(|member| member.snapshot(profiles))
                .collect();
            match choose_server(&servers, exclude) {
                Err(none) if none.still_connecting() && waited_ms < CONNECT_WAIT_MS => {
                    TimeoutFuture::new(CONNECT_POLL_MS).await;
                    waited_ms += CONNECT_POLL_MS;
                }
                chosen => return Ok(Placed::new(chosen?, self.placing)),
            }
        }
    }

    /// The profiles a Generate of the shot runs: the keyframe stage's too when the shot
    /// needs one. Empty when it has none: building the request then says why.
    fn profiles_of_shot(&self, shot_id: &ShotId) -> Vec<ProfileId> {
        let Some((shot_profile, keyframe_profile)) = self.data.read_untracked(|project| {
            let shot_profile = project
                .shot(shot_id)
                .and_then(|shot| shot_profile_id(project, shot));
            (shot_profile, project.stages.keyframe.clone())
        }) else {
            return Vec::new();
        };
        let mut profiles: Vec<ProfileId> = shot_profile.into_iter().collect();
        if self.workflows.needs_keyframe_stage(shot_id).unwrap_or(false)
            && let Some(keyframe) = keyframe_profile
        {
            profiles.push(keyframe);
        }
        profiles
    }
}
