//! A shot + a profile + a server → the [`ShotRequest`] the generation engine submits.

use shotline_model::ordered::ordered_map;
use shotline_model::project::{MediaId, ProfileId, Project, Seed, ShotId};
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::{ApiWorkflow, Mapping, ShotValues, Target, build_prompt_text, patch_workflow};
use shotline_protocol::http::{ApiPrompt, NodeTitle, PromptNode};

use super::error::BuildError;
use super::handle::Workflows;
use super::profiles::{find_profile, shot_profile_id};
use super::prompt::shot_text;
use crate::generation::ShotRequest;
use crate::storage::KeyframeInput;

impl Workflows {
    /// The request for one take of a shot with its own profile (its override, else the
    /// project's shot workflow): prompt text built, seed chosen, keyframe uploaded.
    pub async fn build_request(
        &self,
        project: &Project,
        shot_id: &ShotId,
        server: &ServerUrl,
    ) -> Result<ShotRequest, BuildError> {
        let shot = project
            .shot(shot_id)
            .ok_or_else(|| BuildError::ShotNotFound(shot_id.clone()))?;
        let profile = shot_profile_id(project, shot).ok_or(BuildError::NoShotProfile)?;
        self.build_request_with(project, shot_id, &profile, server).await
    }

    /// The request for one take of a shot through a given profile (e.g. the keyframe stage).
    pub async fn build_request_with(
        &self,
        project: &Project,
        shot_id: &ShotId,
        profile_id: &ProfileId,
        server: &ServerUrl,
    ) -> Result<ShotRequest, BuildError> {
        let shot = project
            .shot(shot_id)
            .ok_or_else(|| BuildError::ShotNotFound(shot_id.clone()))?;
        let text = shot_text(project, shot_id).ok_or_else(|| BuildError::ShotNotFound(shot_id.clone()))?;
        let profile = find_profile(project, profile_id)?;
        let maps = |target: Target| !profile.mapping.inputs(target).is_empty();

        let (keyframe, keyframes) = match (&shot.keyframe, maps(Target::Keyframe)) {
            (Some(media), true) => {
                let name = self.generation.keyframe_on_server(server, media).await?;
                (Some(name), keyframe_inputs(&profile.mapping, media))
            }
            (None, true) => return Err(BuildError::KeyframeMissing),
            // A text-to-image profile ignores the keyframe a shot may have.
            (_, false) => (None, Vec::new()),
        };
        // A seed the workflow does not take would mislead the run manifest.
        let seed = maps(Target::Seed).then(|| take_seed(shot.seed));
        let prompt_text = build_prompt_text(&text);
        let values = ShotValues {
            prompt: Some(prompt_text.prompt),
            negative: Some(prompt_text.negative),
            keyframe,
            seed,
            ..ShotValues::default()
        };
        let patched = patch_workflow(&profile.workflow, &profile.mapping, &values)?;
        Ok(ShotRequest {
            project_id: project.id.to_string(),
            shot_id: shot_id.to_string(),
            server: server.clone(),
            prompt: api_prompt(&patched),
            profile_id: Some(profile_id.to_string()),
            seed,
            keyframes,
        })
    }
}

/// The inputs the keyframe's uploaded name was written into, so the engine can upload it
/// again to a server that lost the file.
fn keyframe_inputs(mapping: &Mapping, media: &MediaId) -> Vec<KeyframeInput> {
    mapping
        .inputs(Target::Keyframe)
        .iter()
        .map(|row| KeyframeInput {
            node: row.node.clone(),
            input: row.input.clone(),
            media: media.as_str().to_owned(),
        })
        .collect()
}

/// The fixed seed, or a new one for this take over the whole u64 range ComfyUI accepts.
fn take_seed(seed: Seed) -> u64 {
    match seed {
        Seed::Fixed(value) => value,
        Seed::Random => random_seed(),
    }
}

/// A crypto-random seed over the whole u64 range ComfyUI accepts.
pub fn random_seed() -> u64 {
    // A v4 UUID is crypto-random except its version nibble (byte 6) and variant bits
    // (byte 8); the other bytes give 64 uniform bits without another crate.
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let random = [
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[7], bytes[9],
    ];
    u64::from_le_bytes(random)
}

/// The model's workflow as the protocol's prompt type: the same JSON, node for node.
fn api_prompt(workflow: &ApiWorkflow) -> ApiPrompt {
    ordered_map(workflow.nodes().into_iter().map(|(id, node)| {
        let prompt_node = PromptNode {
            class_type: node.class_type.clone(),
            inputs: node.inputs.clone(),
            meta: node.meta.as_ref().map(|meta| NodeTitle {
                title: Some(meta.title.clone()),
            }),
        };
        (id.to_owned(), prompt_node)
    }))
}
