//! Node specs as the real server describes them in `/object_info`, taken from the recorded
//! `object_info_full.json`, limited to the classes this simulator can run, with the
//! descriptions and tooltips that file lacks put back (`texts`).

use std::path::Path;

use serde_json::{Map, Value, json};

/// The recorded `/object_info` of a ComfyUI 0.3.64 (with the three trace test nodes).
const RECORDED_OBJECT_INFO: &str = include_str!("../../../../fixtures/comfyui/object_info_full.json");

const WEIGHT_FREE_CLASSES: [&str; 13] = [
    "EmptyImage",
    "LoadImage",
    "ImageScale",
    "SaveImage",
    "PreviewImage",
    "SaveAnimatedWEBP",
    "SaveAnimatedPNG",
    "CreateVideo",
    "SaveVideo",
    "SaveImageWebsocket",
    "SlowCounter",
    "FailAlways",
    "SlowPreview",
];

const FAKE_MODEL_CLASSES: [&str; 9] = [
    "CheckpointLoaderSimple",
    "CLIPTextEncode",
    "EmptyLatentImage",
    "KSampler",
    "VAEDecode",
    "VAEEncode",
    "ImageOnlyCheckpointLoader",
    "SVD_img2vid_Conditioning",
    "VideoLinearCFGGuidance",
];

/// Checkpoint names `--fake-models` offers (the recorded server had no model files): the
/// simulator's own, plus the file names of the checkpoints most workflows are shared with
/// (SD 1.5, SVD-XT), so such workflows — Shotline's bundled ones included — pass validation.
pub const FAKE_CHECKPOINTS: [&str; 4] = [
    "sim_sd15_base.safetensors",
    "sim_svd_xt.safetensors",
    "v1-5-pruned-emaonly-fp16.safetensors",
    "svd_xt.safetensors",
];

#[derive(Debug)]
pub struct NodeRegistry {
    specs: Map<String, Value>,
}

#[derive(Debug, thiserror::Error)]
#[error("the recorded object_info fixture is not valid JSON: {0}")]
pub struct RegistryError(#[from] serde_json::Error);

impl NodeRegistry {
    pub fn new(fake_models: bool) -> Result<Self, RegistryError> {
        let mut recorded: Map<String, Value> = serde_json::from_str(RECORDED_OBJECT_INFO)?;
        let fake: &[&str] = if fake_models { &FAKE_MODEL_CLASSES } else { &[] };
        let mut specs = Map::new();
        for class in WEIGHT_FREE_CLASSES.iter().chain(fake) {
            if let Some(spec) = recorded.remove(*class) {
                specs.insert((*class).to_owned(), spec);
            }
        }
        for (class, spec) in specs.iter_mut() {
            super::texts::add_texts(class, spec);
            if let Some(ckpt) = spec.pointer_mut("/input/required/ckpt_name/0") {
                *ckpt = json!(FAKE_CHECKPOINTS);
            }
        }
        Ok(Self { specs })
    }

    pub fn contains(&self, class_type: &str) -> bool {
        self.specs.contains_key(class_type)
    }

    /// One class's spec with live lists filled in (LoadImage lists the input folder).
    pub fn spec(&self, class_type: &str, input_dir: &Path) -> Option<Value> {
        let mut spec = self.specs.get(class_type)?.clone();
        if class_type == "LoadImage"
            && let Some(files) = spec.pointer_mut("/input/required/image/0")
        {
            *files = json!(list_files(input_dir));
        }
        Some(spec)
    }

    pub fn all_specs(&self, input_dir: &Path) -> Map<String, Value> {
        self.specs
            .keys()
            .filter_map(|class| Some((class.clone(), self.spec(class, input_dir)?)))
            .collect()
    }

    pub fn is_output_node(&self, class_type: &str) -> bool {
        self.specs
            .get(class_type)
            .and_then(|spec| spec["output_node"].as_bool())
            .unwrap_or(false)
    }

    pub fn output_types(&self, class_type: &str) -> Vec<String> {
        self.specs
            .get(class_type)
            .and_then(|spec| spec["output"].as_array())
            .map(|types| {
                types
                    .iter()
                    .filter_map(|kind| kind.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn list_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
