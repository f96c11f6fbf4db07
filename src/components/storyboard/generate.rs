//! The Generate button: shot + workflow profile + server → a job.

use leptos::prelude::*;
use shotline_model::project::{Action, JobId, ShotId, validate_for_generate};
use wasm_bindgen_futures::spawn_local;

use crate::generation::{Generation, use_generation};
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
    servers: Connection,
}

impl ShotGenerator {
    pub fn new() -> Self {
        Self {
            data: use_project_data(),
            generation: use_generation(),
            workflows: use_workflows(),
            servers: use_servers(),
        }
    }

    /// Builds the prompt (uploading the keyframe if needed), submits it, and records the
    /// take on the shot. Problems land in `error` as a sentence.
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
        let server = self.servers.server.get_untracked();
        spawn_local(async move {
            match self.workflows.build_request(&project, &shot_id, &server).await {
                Ok(request) => {
                    let prompt_id = self.generation.submit(request);
                    let _ = self.data.apply(Action::AddTake {
                        shot: shot_id,
                        take: JobId::new(prompt_id),
                    });
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
        });
    }
}
