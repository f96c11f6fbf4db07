//! Output nodes: they write files (or socket frames) and report them in their UI dict.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::RgbImage;
use serde_json::{Value, json};

use super::{NodeError, NodeOutput, NodeValue};
use crate::execution::NodeContext;
use crate::media::{self, MediaError};
use crate::progress::Preview;

const TEMP_PREFIX_LETTERS: usize = 5;
const DEFAULT_FPS: f64 = 8.0;

pub async fn run(class_type: &str, context: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    match class_type {
        "SaveImage" => save_stills(context, "output"),
        "PreviewImage" => save_stills(context, "temp"),
        "SaveAnimatedWEBP" => save_animation(context, "webp", media::encode_animated_webp),
        "SaveAnimatedPNG" => save_animation(context, "png", media::encode_apng),
        "CreateVideo" => {
            let frames = context.inputs.images("images")?;
            let fps = context.inputs.float("fps", DEFAULT_FPS);
            Ok(NodeOutput {
                values: vec![NodeValue::Video { frames, fps }],
                ui: None,
            })
        }
        "SaveVideo" => save_video(context),
        "SaveImageWebsocket" => send_over_socket(context).await,
        other => Err(NodeError::runtime(format!(
            "comfy-sim has no implementation of {other}"
        ))),
    }
}

fn media_error(error: MediaError) -> NodeError {
    NodeError::runtime(error.to_string())
}

/// Where the next file of `prefix` goes: ComfyUI's `get_save_image_path` numbering,
/// `{prefix}_{counter:05}_.{ext}` with the counter one past the highest one on disk.
struct SaveTarget {
    folder: PathBuf,
    subfolder: String,
    stem: String,
    next_counter: u32,
}

impl SaveTarget {
    fn new(base: &Path, prefix: &str) -> Result<Self, NodeError> {
        let (subfolder, stem) = prefix.rsplit_once('/').unwrap_or(("", prefix));
        let outside = || NodeError::runtime("Saving image outside the output folder is not allowed.");
        let folder = if subfolder.is_empty() {
            base.to_path_buf()
        } else {
            crate::paths::resolve_in(base, "", subfolder).ok_or_else(outside)?
        };
        if stem.is_empty() || stem.contains(['\\', '\0']) || stem == ".." {
            return Err(outside());
        }
        std::fs::create_dir_all(&folder).map_err(|error| NodeError::runtime(error.to_string()))?;
        let next_counter = highest_counter(&folder, stem) + 1;
        Ok(Self {
            folder,
            subfolder: subfolder.to_owned(),
            stem: stem.to_owned(),
            next_counter,
        })
    }

    fn write(&mut self, extension: &str, bytes: &[u8], kind: &str) -> Result<Value, NodeError> {
        let filename = format!("{}_{:05}_.{extension}", self.stem, self.next_counter);
        self.next_counter += 1;
        std::fs::write(self.folder.join(&filename), bytes)
            .map_err(|error| NodeError::runtime(error.to_string()))?;
        Ok(json!({"filename": filename, "subfolder": self.subfolder, "type": kind}))
    }
}

fn highest_counter(folder: &Path, stem: &str) -> u32 {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter_map(|name| {
            let rest = name.strip_prefix(stem)?.strip_prefix('_')?;
            rest.split('_').next()?.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0)
}

fn base_folder<'a>(context: &'a NodeContext<'_>, kind: &str) -> &'a Path {
    if kind == "temp" {
        &context.sim.dirs.temp
    } else {
        &context.sim.dirs.output
    }
}

fn prefix_for(context: &NodeContext<'_>, kind: &str) -> String {
    if kind == "temp" {
        // PreviewImage names files `ComfyUI_temp_<5 random letters>_0000N_.png` (trace h).
        let letters: String = uuid::Uuid::new_v4()
            .as_bytes()
            .iter()
            .take(TEMP_PREFIX_LETTERS)
            .map(|byte| char::from(b'a' + byte % 26))
            .collect();
        format!("ComfyUI_temp_{letters}")
    } else {
        context.inputs.text("filename_prefix", "ComfyUI")
    }
}

fn save_stills(context: &NodeContext<'_>, kind: &str) -> Result<NodeOutput, NodeError> {
    let images = context.inputs.images("images")?;
    let mut target = SaveTarget::new(base_folder(context, kind), &prefix_for(context, kind))?;
    let saved = images
        .iter()
        .map(|image| target.write("png", &media::encode_png(image).map_err(media_error)?, kind))
        .collect::<Result<Vec<Value>, NodeError>>()?;
    Ok(NodeOutput {
        values: Vec::new(),
        ui: Some(json!({"images": saved})),
    })
}

fn save_animation(
    context: &NodeContext<'_>,
    extension: &str,
    encode: fn(&[RgbImage], f64) -> Result<Vec<u8>, MediaError>,
) -> Result<NodeOutput, NodeError> {
    let images = context.inputs.images("images")?;
    let bytes = encode(&images, context.inputs.float("fps", 6.0)).map_err(media_error)?;
    let mut target = SaveTarget::new(&context.sim.dirs.output, &prefix_for(context, "output"))?;
    let saved = target.write(extension, &bytes, "output")?;
    // Animations report under `images` with `animated: [true]` (trace h_animated).
    Ok(NodeOutput {
        values: Vec::new(),
        ui: Some(json!({"images": [saved], "animated": [true]})),
    })
}

fn save_video(context: &NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let (frames, fps) = match context.inputs.linked.get("video") {
        Some(NodeValue::Video { frames, fps }) => (Arc::clone(frames), *fps),
        _ => return Err(NodeError::value("input 'video' is not a VIDEO")),
    };
    let bytes =
        crate::video::encode_mp4(&frames, fps).map_err(|error| NodeError::runtime(error.to_string()))?;
    let mut target = SaveTarget::new(&context.sim.dirs.output, &prefix_for(context, "output"))?;
    let saved = target.write("mp4", &bytes, "output")?;
    Ok(NodeOutput {
        values: Vec::new(),
        ui: Some(json!({"images": [saved], "animated": [true]})),
    })
}

/// Sends each image as a PNG preview frame with `progress {value: k, max: n}` (trace j).
async fn send_over_socket(context: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let images = context.inputs.images("images")?;
    let total = u64::try_from(images.len()).unwrap_or(u64::MAX);
    for (step, image) in (0..total).zip(images.iter()) {
        let bytes = media::encode_png(image).map_err(media_error)?;
        context
            .progress(
                step,
                total,
                Some(Preview {
                    bytes,
                    mime: "image/png",
                }),
            )
            .await?;
    }
    Ok(NodeOutput::default())
}
