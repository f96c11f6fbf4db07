//! Adding a workflow to the project: from a file, a paste or the bundled library. Each
//! import is one undoable project action.

use shotline_model::project::{Action, ProfileId};
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::{ImportError, Profile, bundled_profile, import_workflow};

use super::error::WorkflowError;
use super::handle::Workflows;
use super::profiles::stored_profile;

/// The name a pasted workflow gets; the user can rename it in the list.
const PASTED_WORKFLOW_NAME: &str = "Pasted workflow";

impl Workflows {
    /// Imports workflow JSON (a file's contents or a paste). An editor-format workflow is
    /// converted with the node list of `server`, fetched if needed; `file_name` names the
    /// profile. Returns the new profile's id.
    pub async fn import_text(
        &self,
        text: &str,
        file_name: Option<&str>,
        server: &ServerUrl,
    ) -> Result<ProfileId, WorkflowError> {
        // A node list already at hand also tells custom output nodes apart.
        let known = self.cached_object_info(server);
        let workflow = match import_workflow(text, known.as_deref()) {
            Err(ImportError::UiFormatNeedsServer) => {
                let info = self.ensure_object_info(server).await.map_err(|reason| {
                    WorkflowError::UiFormatServerUnavailable {
                        server: server.display().to_owned(),
                        reason,
                    }
                })?;
                import_workflow(text, Some(&info))?
            }
            other => other?,
        };
        let name = file_name.map_or(PASTED_WORKFLOW_NAME, profile_name_of_file);
        self.add_profile(Profile::with_auto_mapping(name, workflow))
    }

    /// Adds a profile from the bundled library by its id (e.g. `sim_still`).
    pub fn import_bundled(&self, id: &str) -> Result<ProfileId, WorkflowError> {
        let bundled = bundled_profile(id).ok_or_else(|| WorkflowError::UnknownBundled(id.to_owned()))?;
        self.add_profile(bundled.profile()?)
    }

    /// Saves a new profile; the first workflow of a project also becomes its shot
    /// workflow, in the same undo step, so Generate works right after one import.
    fn add_profile(&self, profile: Profile) -> Result<ProfileId, WorkflowError> {
        let id = ProfileId::new(uuid::Uuid::new_v4().to_string());
        let stages = self.data.with_project_untracked().map(|project| project.stages);
        let mut actions = vec![Action::PutProfile {
            profile: stored_profile(id.clone(), &profile),
        }];
        if let Some(stages) = stages.filter(|stages| stages.shot.is_none()) {
            actions.push(Action::SetStageProfiles {
                keyframe: stages.keyframe,
                shot: Some(id.clone()),
            });
        }
        self.data.apply(Action::Batch(actions))?;
        Ok(id)
    }
}

/// `my_flow.api.json` → `my_flow`: what a person called the file, without extensions.
fn profile_name_of_file(file_name: &str) -> &str {
    let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
    let stem = stem.strip_suffix(".api").unwrap_or(stem);
    if stem.trim().is_empty() {
        PASTED_WORKFLOW_NAME
    } else {
        stem
    }
}
