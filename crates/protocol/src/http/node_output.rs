//! The UI output of one node, as `executed` and `/history` report it, sorted into files
//! this app shows and outputs it only counts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient::{null_as_default, one_or_many};
use crate::media::OutputFile;

/// Extensions (lowercase) of 3D model files: SaveGLB writes `.glb`, Preview3D names
/// whatever Load3D loaded.
const MODEL_3D_EXTENSIONS: &[&str] = &["glb", "gltf", "obj", "fbx", "stl", "ply", "usdz", "splat", "spz"];

/// Animated WEBP/PNG and core SaveVideo report under `images` with `animated: [true]`
/// (trace h); VideoHelperSuite uses `gifs` with a `format`; SaveAudio (and its MP3 and
/// Opus kin, PreviewAudio) `audio`; SaveGLB `3d`; Preview3D `result: [model_file,
/// camera_info]`; PreviewAny and ShowText `text`. Other keys are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeOutput {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub images: Vec<FileRef>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub gifs: Vec<FileRef>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub animated: Vec<bool>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub audio: Vec<FileRef>,
    #[serde(
        rename = "3d",
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub models_3d: Vec<FileRef>,
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub result: Vec<Value>,
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub text: Vec<Value>,
}

/// A file the server can serve from `/view?filename=&subfolder=&type=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    pub filename: String,
    #[serde(default)]
    pub subfolder: String,
    /// `output`, `temp` (PreviewImage: may vanish) or `input`.
    #[serde(rename = "type", default)]
    pub folder_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// A run's outputs: the media files to fetch and show, and what is only counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOutputs {
    pub files: Vec<OutputFile>,
    pub not_shown: NotShown,
}

/// Outputs this app does not show, counted and named so a take can say they exist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotShown {
    /// Texts (PreviewAny, ShowText).
    #[serde(default)]
    pub texts: usize,
    /// 3D model file names (SaveGLB, Preview3D).
    #[serde(default)]
    pub models_3d: Vec<String>,
    /// Files of no media type this app plays (e.g. `.safetensors`, `.latent`).
    #[serde(default)]
    pub other_files: Vec<String>,
}

impl NodeOutput {
    /// The files of this node, in the order the server listed them, media or not.
    pub fn files(&self, node_id: &str) -> Vec<OutputFile> {
        // `animated` is one flag per node in practice (`[true]`), for all its images.
        let animated = self.animated.iter().any(|flag| *flag);
        let images = self.images.iter().map(|file| (file, animated));
        let rest = self.gifs.iter().chain(&self.audio).map(|file| (file, false));
        images
            .chain(rest)
            .map(|(file, animated)| OutputFile::new(node_id, file, animated))
            .collect()
    }

    /// Adds this node's outputs to `run`: media files to show, the rest counted.
    pub fn sort_into(&self, node_id: &str, run: &mut RunOutputs) {
        for file in self.files(node_id) {
            if file.media().is_some() {
                run.files.push(file);
            } else if is_model_3d(&file.filename) {
                run.not_shown.models_3d.push(file.filename);
            } else {
                run.not_shown.other_files.push(file.filename);
            }
        }
        let models = self.models_3d.iter().map(|file| file.filename.clone());
        run.not_shown.models_3d.extend(models);
        // Preview3D: the model file (a path under input/ or output/) comes first.
        if let Some(Value::String(model)) = self.result.first()
            && is_model_3d(model)
        {
            let name = model.rsplit(['/', '\\']).next().unwrap_or(model);
            run.not_shown.models_3d.push(name.to_owned());
        }
        run.not_shown.texts += self.text.len();
    }
}

fn is_model_3d(filename: &str) -> bool {
    filename.rsplit_once('.').is_some_and(|(_, ext)| {
        MODEL_3D_EXTENSIONS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(ext))
    })
}

impl NotShown {
    pub fn is_empty(&self) -> bool {
        self.texts == 0 && self.models_3d.is_empty() && self.other_files.is_empty()
    }

    /// What a take says about them, e.g. "1 text output, not shown" or "2 3D models
    /// (a.glb, b.glb) and 1 text output, not shown"; `None` when there are none.
    pub fn sentence(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.models_3d.is_empty() {
            parts.push(counted(self.models_3d.len(), "3D model", "3D models") + &names(&self.models_3d));
        }
        if self.texts > 0 {
            parts.push(counted(self.texts, "text output", "text outputs"));
        }
        if !self.other_files.is_empty() {
            parts.push(
                counted(self.other_files.len(), "other file", "other files") + &names(&self.other_files),
            );
        }
        let last = parts.pop()?;
        let listed = if parts.is_empty() {
            last
        } else {
            format!("{} and {last}", parts.join(", "))
        };
        Some(format!("{listed}, not shown"))
    }
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Up to this many file names are listed; more would not fit a status line.
const NAMES_LISTED: usize = 3;

fn names(files: &[String]) -> String {
    let mut listed = files
        .iter()
        .take(NAMES_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if files.len() > NAMES_LISTED {
        listed.push_str(", …");
    }
    format!(" ({listed})")
}
