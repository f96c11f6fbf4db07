//! Two-stage shots: a keyframe image from the project's keyframe workflow, then the
//! shot (usually image to video) from that keyframe. Each stage is its own job with its
//! own state in the generation engine; a stage-one failure stops stage two with the reason.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shotline_model::project::{Action, JobId, MediaId, ShotId};
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::Target;
use shotline_protocol::{JobState, MediaKind};

use super::error::BuildError;
use super::handle::Workflows;
use super::profiles::{find_profile, shot_profile_id};
use crate::generation::{Generation, JobView};

/// How often a stage's job is looked at while waiting for it to end. Job views are
/// signals, but effects need the reactive executor, which a plain future does not have.
const STAGE_POLL_MS: u32 = 250;

/// One take the render queue asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeRequest {
    /// The prompt id to submit under; `None`: a new one.
    pub job: Option<String>,
    /// A new random seed for this take even when the shot's seed is locked.
    pub fresh_seed: bool,
}

/// Which stage is running, for the view to show beside the jobs' own states.
#[derive(Debug, Clone, PartialEq)]
pub enum StagedRun {
    /// Stage one: the keyframe job.
    Keyframe { job: String },
    /// Stage two (or the only stage): the shot's take.
    Shot { job: String },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StageError {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("The keyframe could not be made, so the shot was not generated: {0}")]
    KeyframeFailed(String),
    #[error("The keyframe was made but could not be set on the shot: {0}")]
    KeyframeNotSet(String),
}

impl Workflows {
    /// Runs the project's keyframe workflow for the shot and, once its job is Done, makes
    /// the first image it produced the shot's keyframe (one undoable edit).
    pub async fn generate_keyframe(
        &self,
        generation: Generation,
        shot_id: &ShotId,
        server: &ServerUrl,
        progress: impl Fn(StagedRun),
    ) -> Result<MediaId, StageError> {
        let project = self
            .data
            .with_project_untracked()
            .ok_or(BuildError::ShotNotFound(shot_id.clone()))?;
        let profile = project
            .stages
            .keyframe
            .clone()
            .ok_or(BuildError::NoKeyframeProfile)?;
        let request = self
            .build_request_with(&project, shot_id, &profile, server)
            .await?;
        let job = generation.submit(request);
        progress(StagedRun::Keyframe { job: job.clone() });
        let ended = wait_for_end(generation, &job).await?;
        let keyframe = first_image(&ended)?;
        self.data
            .apply(Action::SetKeyframe {
                shot: shot_id.clone(),
                keyframe: Some(keyframe.clone()),
            })
            .map_err(|error| StageError::KeyframeNotSet(error.to_string()))?;
        Ok(keyframe)
    }

    /// Generates the shot; when its workflow needs a keyframe the shot lacks, the keyframe
    /// stage runs first. Returns the shot's take (the stage-two job).
    pub async fn generate_with_stages(
        &self,
        generation: Generation,
        shot_id: &ShotId,
        server: &ServerUrl,
        progress: impl Fn(StagedRun),
    ) -> Result<String, StageError> {
        let take = TakeRequest {
            job: None,
            fresh_seed: false,
        };
        self.generate_take(generation, shot_id, server, take, progress)
            .await
    }

    /// Like [`Workflows::generate_with_stages`], for one take of the render queue: its
    /// job id was chosen (and stored) before, and a take of several may need a new seed.
    pub async fn generate_take(
        &self,
        generation: Generation,
        shot_id: &ShotId,
        server: &ServerUrl,
        take: TakeRequest,
        progress: impl Fn(StagedRun),
    ) -> Result<String, StageError> {
        if self.needs_keyframe_stage(shot_id)? {
            self.generate_keyframe(generation, shot_id, server, &progress)
                .await?;
        }
        // Read again: stage one changed the shot.
        let mut project = self
            .data
            .with_project_untracked()
            .ok_or(BuildError::ShotNotFound(shot_id.clone()))?;
        if take.fresh_seed {
            // Seed hunting: every take of several gets its own seed, a locked one too.
            let _ = shotline_model::project::apply(
                &mut project,
                Action::SetSeed {
                    shot: shot_id.clone(),
                    seed: shotline_model::project::Seed::Random,
                },
            );
        }
        let request = self.build_request(&project, shot_id, server).await?;
        let job = match take.job {
            Some(job) => generation.submit_as(request, job),
            None => generation.submit(request),
        };
        // The take is recorded for the shot; failing to record it loses only the link.
        let _ = self.data.apply(Action::AddTake {
            shot: shot_id.clone(),
            take: JobId::new(job.clone()),
        });
        progress(StagedRun::Shot { job: job.clone() });
        Ok(job)
    }

    pub(crate) fn needs_keyframe_stage(&self, shot_id: &ShotId) -> Result<bool, BuildError> {
        self.data
            .read_untracked(|project| {
                let shot = project
                    .shot(shot_id)
                    .ok_or_else(|| BuildError::ShotNotFound(shot_id.clone()))?;
                if shot.keyframe.is_some() {
                    return Ok(false);
                }
                let profile_id = shot_profile_id(project, shot).ok_or(BuildError::NoShotProfile)?;
                let profile = find_profile(project, &profile_id)?;
                Ok(!profile.mapping.inputs(Target::Keyframe).is_empty())
            })
            .ok_or_else(|| BuildError::ShotNotFound(shot_id.clone()))?
    }
}

/// Waits until the job is finished; any end but Done is the reason stage two stops.
async fn wait_for_end(generation: Generation, job: &str) -> Result<JobView, StageError> {
    loop {
        let view = generation
            .job(job)
            .and_then(|view| view.try_get_untracked())
            .ok_or_else(|| StageError::KeyframeFailed("its job is no longer followed".to_owned()))?;
        match &view.state {
            JobState::Done { .. } => return Ok(view),
            JobState::Failed { message, .. } => return Err(StageError::KeyframeFailed(message.clone())),
            JobState::Cancelled => {
                return Err(StageError::KeyframeFailed("its job was cancelled".to_owned()));
            }
            JobState::Lost { .. } => {
                return Err(StageError::KeyframeFailed(
                    "the server forgot its job (it restarted); generate again".to_owned(),
                ));
            }
            _ => TimeoutFuture::new(STAGE_POLL_MS).await,
        }
    }
}

fn first_image(view: &JobView) -> Result<MediaId, StageError> {
    let image = view
        .outputs
        .iter()
        .find(|output| output.kind == MediaKind::Image)
        .ok_or_else(|| StageError::KeyframeFailed("the keyframe workflow made no still image".to_owned()))?;
    image.media_id.clone().map(MediaId::new).ok_or_else(|| {
        StageError::KeyframeNotSet(
            "the image could not be saved in this browser (is its storage full?)".into(),
        )
    })
}
