//! The server pool in the app: with two or more enabled servers, each new job goes to the
//! healthy one with the fewest Shotline jobs whose preflight passed for the job's
//! profiles (`shotline_model::pool` decides); with fewer, to the active server as before.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shotline_model::pool::{Fit, NoServer, ServerSnapshot, choose_server, has_room, pool_members};
use shotline_model::project::{ProfileId, ShotId};
use shotline_model::server_url::ServerUrl;

use super::error::BuildError;
use super::handle::Workflows;
use super::profiles::shot_profile_id;
use crate::generation::Generation;

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

impl Workflows {
    /// The pool's servers, the active one first (it wins ties); `None` without a pool.
    pub fn pool(&self, active: &ServerUrl) -> Option<Vec<ServerUrl>> {
        let mut members = self
            .data
            .with_project_untracked()
            .and_then(|project| pool_members(&project.servers))?;
        if let Some(at) = members.iter().position(|member| member == active) {
            let active = members.remove(at);
            members.insert(0, active);
        }
        Some(members)
    }

    /// Where a new job of `shot_id` goes (both stages of a two-stage shot go there).
    pub async fn server_for_shot(
        &self,
        generation: Generation,
        active: &ServerUrl,
        shot_id: &ShotId,
    ) -> Result<ServerUrl, PlaceError> {
        let profiles = self.profiles_of_shot(shot_id);
        self.place(generation, active, &profiles, None).await
    }

    /// Where the keyframe stage of `shot_id` alone goes.
    pub async fn server_for_keyframe(
        &self,
        generation: Generation,
        active: &ServerUrl,
    ) -> Result<ServerUrl, PlaceError> {
        let profiles: Vec<ProfileId> = self
            .data
            .with_project_untracked()
            .and_then(|project| project.stages.keyframe)
            .into_iter()
            .collect();
        self.place(generation, active, &profiles, None).await
    }

    /// "Resubmit on another server": the same workflow as a new job on another healthy
    /// pool server; the shot's keyframe is uploaded there first (same hashed file name,
    /// so the recorded prompt finds it). Returns the new job's prompt id.
    pub async fn resubmit_elsewhere(
        &self,
        generation: Generation,
        active: &ServerUrl,
        prompt_id: &str,
    ) -> Result<String, PlaceError> {
        let view = generation
            .job(prompt_id)
            .and_then(|job| job.try_get_untracked())
            .ok_or(PlaceError::JobGone)?;
        let profiles: Vec<ProfileId> = view.profile_id.map(ProfileId::new).into_iter().collect();
        let server = self
            .place(generation, active, &profiles, Some(&view.server))
            .await?;
        let keyframe = self.data.with_project_untracked().and_then(|project| {
            project
                .shot(&ShotId::new(view.shot_id.clone()))
                .and_then(|shot| shot.keyframe.clone())
        });
        if let Some(keyframe) = keyframe {
            self.keyframe_on_server(&server, &keyframe).await?;
        }
        let moved = generation
            .resubmit_on(prompt_id, Some(server))
            .ok_or(PlaceError::JobGone)?;
        // An unfinished job's server is down: its run ends here, so the shot never counts
        // twice (a finished one stays as it ended).
        generation.give_up(prompt_id);
        Ok(moved)
    }

    /// Generate all may place another job now: without a pool, `own_in_flight` (its jobs
    /// not yet finished) is under one server's limit; with one, some healthy pool server is.
    pub fn has_room(&self, generation: Generation, active: &ServerUrl, own_in_flight: usize) -> bool {
        match self.pool(active) {
            None => own_in_flight < shotline_model::pool::IN_FLIGHT_PER_SERVER,
            Some(members) => has_room(&snapshots(generation, &members)),
        }
    }

    async fn place(
        &self,
        generation: Generation,
        active: &ServerUrl,
        profiles: &[ProfileId],
        exclude: Option<&ServerUrl>,
    ) -> Result<ServerUrl, PlaceError> {
        let Some(members) = self.pool(active) else {
            return Ok(exclude.unwrap_or(active).clone());
        };
        generation.keep_pool_open(&members);
        let mut waited_ms = 0;
        loop {
            let mut servers = snapshots(generation, &members);
            for server in servers.iter_mut().filter(|server| server.is_healthy()) {
                server.fit = self.fit(&server.url, profiles).await;
            }
            match choose_server(&servers, exclude) {
                Err(none) if none.still_connecting() && waited_ms < CONNECT_WAIT_MS => {
                    TimeoutFuture::new(CONNECT_POLL_MS).await;
                    waited_ms += CONNECT_POLL_MS;
                }
                chosen => return Ok(chosen?),
            }
        }
    }

    async fn fit(&self, server: &ServerUrl, profiles: &[ProfileId]) -> Fit {
        for profile in profiles {
            match self.check_profile(server, profile).await {
                Ok(problems) => {
                    if let Some(first) = problems.first() {
                        return Fit::Failed(format!(
                            "{} problem(s), first: {}",
                            problems.len(),
                            first.sentence
                        ));
                    }
                }
                Err(error) => return Fit::Failed(error.to_string()),
            }
        }
        Fit::Passed
    }

    /// The profiles a Generate of the shot runs: the keyframe stage's too when the shot
    /// needs one. Empty when it has none: building the request then says why.
    fn profiles_of_shot(&self, shot_id: &ShotId) -> Vec<ProfileId> {
        let Some(project) = self.data.with_project_untracked() else {
            return Vec::new();
        };
        let mut profiles: Vec<ProfileId> = project
            .shot(shot_id)
            .and_then(|shot| shot_profile_id(&project, shot))
            .into_iter()
            .collect();
        if self.needs_keyframe_stage(shot_id).unwrap_or(false)
            && let Some(keyframe) = project.stages.keyframe.clone()
        {
            profiles.push(keyframe);
        }
        profiles
    }
}

fn snapshots(generation: Generation, members: &[ServerUrl]) -> Vec<ServerSnapshot> {
    members
        .iter()
        .map(|url| {
            let load = generation.server_load(url);
            ServerSnapshot {
                url: url.clone(),
                socket: load.socket,
                answered_ms_ago: load.answered_ms_ago,
                jobs_in_flight: load.jobs_in_flight,
                fit: Fit::Unchecked,
            }
        })
        .collect()
}
