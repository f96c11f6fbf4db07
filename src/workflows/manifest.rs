//! The run manifest of a take: everything needed to run it again in ComfyUI itself
//! (the exact API prompt sent) or to tell takes apart (server, profile, seed, timings).

use serde_json::{Value, json};
use shotline_model::project::ProfileId;
use shotline_protocol::JobState;

use super::error::WorkflowError;
use super::handle::Workflows;
use crate::storage::JobRecord;

/// Names the document, so a manifest file found later says what it is.
const MANIFEST_FORMAT: &str = "shotline-run-manifest";
const MANIFEST_VERSION: u32 = 1;

/// The manifest of one job. `profile_name` is the profile's name when the project still
/// has it; the id is kept either way.
pub fn run_manifest(record: &JobRecord, profile_name: Option<&str>) -> Value {
    let state = record.job.state();
    let finished_ms = state.is_terminal().then_some(record.updated_ms);
    let outputs = match state {
        JobState::Done { outputs, .. } => outputs
            .iter()
            .map(|file| {
                json!({
                    "node": file.node_id,
                    "filename": file.filename,
                    "subfolder": file.subfolder,
                    "type": file.folder_type,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "prompt_id": record.prompt_id,
        "server": record.server,
        "client_id": record.client_id,
        "attempt": record.attempt,
        "project_id": record.project_id,
        "shot_id": record.shot_id,
        "profile": { "id": record.profile_id, "name": profile_name },
        "seed": record.seed,
        "outcome": outcome(state),
        "submitted_at_ms": record.created_ms,
        "finished_at_ms": finished_ms,
        "duration_ms": finished_ms.map(|end| end - record.created_ms),
        "outputs": outputs,
        "media_ids": record.outputs,
        "prompt": record.prompt,
    })
}

/// The state word the shot card shows, plus the failure sentence when there is one.
fn outcome(state: &JobState) -> Value {
    match state {
        JobState::Done { .. } => json!({ "state": "Done" }),
        JobState::Failed { node, message, .. } => {
            json!({ "state": "Failed", "node": node, "message": message })
        }
        JobState::Cancelled => json!({ "state": "Cancelled" }),
        JobState::Lost { .. } => json!({ "state": "Lost" }),
        _ => json!({ "state": "Unfinished" }),
    }
}

impl Workflows {
    /// The manifest of `prompt_id` as pretty JSON, ready to view or copy.
    pub async fn manifest(&self, prompt_id: &str) -> Result<String, WorkflowError> {
        let storage = self.storage.ok_or(WorkflowError::NoStorage)?;
        let record = storage
            .get_job(prompt_id)
            .await?
            .ok_or_else(|| WorkflowError::RunNotFound(prompt_id.to_owned()))?;
        let profile_name = record.profile_id.as_ref().and_then(|id| {
            let id = ProfileId::new(id.clone());
            self.data
                .with_project_untracked()?
                .profiles
                .into_iter()
                .find(|profile| profile.id == id)
                .map(|profile| profile.name)
        });
        let manifest = run_manifest(&record, profile_name.as_deref());
        // A `Value` always serialises.
        Ok(serde_json::to_string_pretty(&manifest).unwrap_or_default())
    }
}
