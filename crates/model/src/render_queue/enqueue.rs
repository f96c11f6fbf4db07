//! Generate shot / scene / all: shots into the queue, each once.

use super::entry::{EntryId, MAX_TAKES_PER_ENTRY, QueueEntry};
use super::{RenderQueue, sort};
use crate::project::{ModelError, ProfileId, Project, SceneId, Shot, ShotId, validate_for_generate};

/// Which shots a Generate button queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Shot(ShotId),
    Scene(SceneId),
    All,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnqueueError {
    #[error("This scene is no longer in the project.")]
    SceneNotFound(SceneId),
    #[error("This shot is no longer in the project.")]
    ShotNotFound(ShotId),
}

/// Why a shot of the scope was not queued.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("The shot has no workflow profile: pick one for the shot or the project.")]
    NoProfile,
    #[error("The shot's workflow profile was deleted: pick another one.")]
    ProfileMissing(ProfileId),
    #[error(transparent)]
    Invalid(#[from] ModelError),
}

/// What an enqueue did, shot by shot, in story order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnqueueReport {
    pub added: Vec<EntryId>,
    /// Shots already in the queue: their entry now asks for the larger take count.
    pub already_queued: Vec<EntryId>,
    pub refused: Vec<(ShotId, Refusal)>,
}

impl RenderQueue {
    /// Queues the shots of `scope` with `takes` takes each (clamped to 1–16), after
    /// everything already queued. A shot already in the queue with the same profile
    /// (waiting, placed or running) keeps its one entry, so pressing Generate all twice
    /// renders each shot once; its entry asks for `takes` if that is more.
    /// `fresh_id` makes entry ids (the app passes a UUID generator).
    pub fn enqueue(
        &mut self,
        project: &Project,
        scope: &Scope,
        takes: u8,
        now_ms: i64,
        fresh_id: &mut impl FnMut() -> String,
    ) -> Result<EnqueueReport, EnqueueError> {
        let takes = takes.clamp(1, MAX_TAKES_PER_ENTRY);
        let mut report = EnqueueReport::default();
        let mut next_order = self
            .entries
            .iter()
            .map(|entry| entry.order + 1)
            .max()
            .unwrap_or(0);
        for shot in shots_of(project, scope)? {
            let profile = match profile_of(project, shot) {
                Ok(profile) => profile,
                Err(refusal) => {
                    report.refused.push((shot.id.clone(), refusal));
                    continue;
                }
            };
            let queued = self
                .entries
                .iter()
                .find(|entry| {
                    entry.is_active()
                        && entry.removed.is_none()
                        && entry.shot == shot.id
                        && entry.profile == profile
                })
                .map(|entry| entry.id.clone());
            if let Some(id) = queued {
                if let Some(entry) = self.entry_mut(&id) {
                    entry.takes_wanted = entry.takes_wanted.max(takes);
                }
                report.already_queued.push(id);
                continue;
            }
            let entry = QueueEntry {
                id: EntryId::new(fresh_id()),
                project: project.id.clone(),
                shot: shot.id.clone(),
                profile,
                takes_wanted: takes,
                takes: Vec::new(),
                order: next_order,
                created_at_ms: now_ms,
                removed: None,
            };
            next_order += 1;
            self.changed.insert(entry.id.clone());
            report.added.push(entry.id.clone());
            self.entries.push(entry);
        }
        sort(&mut self.entries);
        Ok(report)
    }
}

/// The scope's shots in story order.
fn shots_of<'p>(project: &'p Project, scope: &Scope) -> Result<Vec<&'p Shot>, EnqueueError> {
    match scope {
        Scope::All => Ok(project.scenes.iter().flat_map(|scene| &scene.shots).collect()),
        Scope::Scene(id) => project
            .scene(id)
            .map(|scene| scene.shots.iter().collect())
            .ok_or_else(|| EnqueueError::SceneNotFound(id.clone())),
        Scope::Shot(id) => project
            .shot(id)
            .map(|shot| vec![shot])
            .ok_or_else(|| EnqueueError::ShotNotFound(id.clone())),
    }
}

/// The shot's own profile, else the project's shot profile; it must still exist.
fn profile_of(project: &Project, shot: &Shot) -> Result<ProfileId, Refusal> {
    validate_for_generate(shot)?;
    let profile = shot
        .profile
        .clone()
        .or_else(|| project.stages.shot.clone())
        .ok_or(Refusal::NoProfile)?;
    if project.profiles.iter().any(|known| known.id == profile) {
        Ok(profile)
    } else {
        Err(Refusal::ProfileMissing(profile))
    }
}
