//! The profiles shipped with Shotline. The workflows are API-format JSON files beside
//! this module, embedded at build time so the browser app needs no fetch for them.

use super::api::ApiWorkflow;
use super::import::import_workflow;
use super::import_error::ImportError;
use super::profile::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledProfile {
    /// Stable id, kept in saved projects.
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// False for the weight-free workflows that run on comfy-sim without fake models.
    pub needs_models: bool,
    workflow_json: &'static str,
}

pub const BUNDLED_PROFILES: [BundledProfile; 5] = [
    BundledProfile {
        id: "txt2img_sd",
        name: "Text to image (Stable Diffusion)",
        description: "A Stable Diffusion 1.5 checkpoint and one KSampler: prompt in, image out.",
        needs_models: true,
        workflow_json: include_str!("bundled/txt2img_sd.api.json"),
    },
    BundledProfile {
        id: "img2vid_svd",
        name: "Keyframe to video (Stable Video Diffusion)",
        description: "Animates the shot's keyframe with SVD XT into an animated WebP.",
        needs_models: true,
        workflow_json: include_str!("bundled/img2vid_svd.api.json"),
    },
    BundledProfile {
        id: "sim_still",
        name: "Blank still (no models)",
        description: "An empty image saved as PNG; runs on any server, the simulator included.",
        needs_models: false,
        workflow_json: include_str!("bundled/sim_still.api.json"),
    },
    BundledProfile {
        id: "sim_frames_webp",
        name: "Blank animation (no models)",
        description: "A batch of empty frames saved as an animated WebP.",
        needs_models: false,
        workflow_json: include_str!("bundled/sim_frames_webp.api.json"),
    },
    BundledProfile {
        id: "sim_video",
        name: "Blank video (no models)",
        description: "A batch of empty frames made into a video and saved.",
        needs_models: false,
        workflow_json: include_str!("bundled/sim_video.api.json"),
    },
];

pub fn bundled_profile(id: &str) -> Option<&'static BundledProfile> {
    BUNDLED_PROFILES.iter().find(|profile| profile.id == id)
}

impl BundledProfile {
    pub fn workflow(&self) -> Result<ApiWorkflow, ImportError> {
        import_workflow(self.workflow_json, None)
    }

    /// The workflow with its auto-mapping, ready to be saved in a project.
    pub fn profile(&self) -> Result<Profile, ImportError> {
        Ok(Profile::with_auto_mapping(self.name, self.workflow()?))
    }
}
