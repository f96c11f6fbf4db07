//! The Generate button: shot + workflow profile + server → a job.

use leptos::prelude::*;
use shotline_model::project::{ShotId, validate_for_generate};
use wasm_bindgen_futures::spawn_local;

use crate::generation::{Generation, Pool, use_generation, use_pool};
use crate::project::{ProjectData, use_project_data};
use crate::servers::{Connection, use_servers};
use crate::workflows::{Workflows, use_workflows};

/// The handles a Generate click needs, taken while the card is built (contexts are not
/// reachable from inside event handlers).
#[derive(Clone, Copy)]
pub struct ShotGenerator {
    data: ProjectData,
    generation: Generation,
    workflows: Workflows,
    pool: Pool,
    servers: Connection,
}

impl ShotGenerator {
    pub fn new() -> Self {
        Self {
            data: use_project_data(),
            generation: use_generation(),
            workflows: use_workflows(),
            pool: use_pool(),
            servers: use_servers(),
        }
    }

    /// Builds the prompt (uploading the keyframe if needed), submits it, and records the
    /// take on the shot (`Workflows::generate_with_stages`). Problems land in `error`.
    pub fn generate(self, shot_id: ShotId, error: RwSignal<Option<String>>) {
        error.set(None);
        let Some(project) = self.data.with_project_untracked() else {
            return;
        };
        let Some(shot) = project.shot(&shot_id) else {
            return;
        };
        if let Err(problem) = validate_for_generate(shot) {
            error.set(Some(problem.to_string()));
            return;
        }
        let active = self.servers.server.get_untracked();
        // A shot whose workflow needs a keyframe it lacks runs the project's keyframe
        // workflow first: two jobs, each with its own state on the card, on one server.
        spawn_local(async move {
            let server = match self.pool.server_for_shot(&active, &shot_id).await {
                Ok(server) => server,
                Err(problem) => return error.set(Some(problem.to_string())),
            };
            let run = self
                .workflows
                .generate_with_stages(self.generation, &shot_id, &server, |_| {})
                .await;
            if let Err(problem) = run {
                error.set(Some(problem.to_string()));
            }
        });
    }

    /// "Generate keyframe": runs only the project's keyframe workflow for the shot; the
    /// image it makes becomes the shot's keyframe (replacing any, one undo step).
    pub fn generate_keyframe(self, shot_id: ShotId, error: RwSignal<Option<String>>) {
        error.set(None);
        let active = self.servers.server.get_untracked();
        spawn_local(async move {
            let server = match self.pool.server_for_keyframe(&active).await {
                Ok(server) => server,
                Err(problem) => return error.set(Some(problem.to_string())),
            };
            let run = self
                .workflows
                .generate_keyframe(self.generation, &shot_id, &server, |_| {})
                .await;
            if let Err(problem) = run {
                error.set(Some(problem.to_string()));
            }
        });
    }

    /// Several enabled servers share the work (a pool), so a job can move to another.
    pub fn in_pool(self) -> bool {
        self.pool.members(&self.servers.server.get_untracked()).is_some()
    }

    /// "Resubmit on another server": the job's workflow again, on another healthy server.
    pub fn resubmit_elsewhere(self, prompt_id: String, error: RwSignal<Option<String>>) {
        error.set(None);
        let active = self.servers.server.get_untracked();
        spawn_local(async move {
            let moved = self.pool.resubmit_elsewhere(&active, &prompt_id).await;
            if let Err(problem) = moved {
                error.set(Some(problem.to_string()));
            }
        });
    }
}
