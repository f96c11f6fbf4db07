//! Simulated model nodes behind `--fake-models`: the classes of a text-to-image and an SVD
//! image-to-video workflow, with no weights. KSampler takes `--step-ms` per step and sends
//! previews; decoded pictures derive from the prompt text and the seed.

use std::sync::Arc;

use image::imageops::FilterType;

use super::render::{mix, pan, picture, text_key};
use super::{Latent, NodeError, NodeOutput, NodeValue};
use crate::execution::NodeContext;
use crate::media;
use crate::progress::Preview;

/// Simulated latents hold image sizes; decoding never makes anything smaller than this.
const MIN_DECODED_SIDE_PX: u32 = 8;
const PREVIEW_SIZE_PX: u32 = 64;

pub async fn run(class_type: &str, context: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let inputs = &context.inputs;
    let values = match class_type {
        "CheckpointLoaderSimple" | "ImageOnlyCheckpointLoader" => {
            let name = inputs.text("ckpt_name", "");
            vec![
                NodeValue::Model(name.clone()),
                NodeValue::Model(name.clone()),
                NodeValue::Model(name),
            ]
        }
        "CLIPTextEncode" => vec![NodeValue::Conditioning(text_key(&inputs.text("text", "")))],
        "VideoLinearCFGGuidance" => vec![NodeValue::Model(inputs.model("model"))],
        "EmptyLatentImage" => vec![NodeValue::Latent(Latent {
            width: side(inputs.int("width", 512)),
            height: side(inputs.int("height", 512)),
            batch: side(inputs.int("batch_size", 1)),
            key: 0,
            init_image: None,
        })],
        "SVD_img2vid_Conditioning" => {
            let init = inputs.images("init_image")?.first().cloned().map(Arc::new);
            let key = mix(&[u64::try_from(inputs.int("motion_bucket_id", 127)).unwrap_or(0)]);
            let latent = Latent {
                width: side(inputs.int("width", 1024)),
                height: side(inputs.int("height", 576)),
                batch: side(inputs.int("video_frames", 14)),
                key,
                init_image: init,
            };
            vec![
                NodeValue::Conditioning(key),
                NodeValue::Conditioning(key),
                NodeValue::Latent(latent),
            ]
        }
        "VAEEncode" => {
            let images = inputs.images("pixels")?;
            let first = images.first().cloned();
            let latent = Latent {
                width: first.as_ref().map_or(512, |image| image.width()),
                height: first.as_ref().map_or(512, |image| image.height()),
                batch: u32::try_from(images.len()).unwrap_or(1),
                key: 0,
                init_image: first.map(Arc::new),
            };
            vec![NodeValue::Latent(latent)]
        }
        "VAEDecode" => vec![NodeValue::Images(Arc::new(decode(&inputs.latent("samples")?)))],
        "KSampler" => vec![NodeValue::Latent(sample(context).await?)],
        other => {
            return Err(NodeError::runtime(format!(
                "comfy-sim has no implementation of {other}"
            )));
        }
    };
    Ok(NodeOutput { values, ui: None })
}

fn side(value: i64) -> u32 {
    u32::try_from(value.max(1)).unwrap_or(1)
}

/// Steps with progress and a preview each, then a latent keyed by prompt text and seed.
async fn sample(context: &mut NodeContext<'_>) -> Result<Latent, NodeError> {
    let mut latent = context.inputs.latent("latent_image")?;
    let seed = u64::try_from(context.inputs.int("seed", 0)).unwrap_or(0);
    let positive = context.inputs.conditioning("positive");
    let negative = context.inputs.conditioning("negative");
    latent.key = mix(&[latent.key, seed, positive, negative]);
    let steps = u64::try_from(context.inputs.int("steps", 20).max(1)).unwrap_or(1);
    let step_ms = context.sim.config.step_ms;
    // Scaled once: every step previews the same picture, only darker.
    let final_preview: Vec<_> = decode(&Latent {
        batch: 1,
        ..latent.clone()
    })
    .iter()
    .map(|image| image::imageops::resize(image, PREVIEW_SIZE_PX, PREVIEW_SIZE_PX, FilterType::Triangle))
    .collect();
    for step in 1..=steps {
        context.sleep_ms(step_ms).await?;
        let preview = final_preview.first().map(|small| {
            // Early steps look noisier: darken toward the final picture.
            let fraction = step as f64 / steps as f64;
            image::RgbImage::from_fn(PREVIEW_SIZE_PX, PREVIEW_SIZE_PX, |x, y| {
                let pixel = small.get_pixel(x, y);
                image::Rgb(pixel.0.map(|value| (f64::from(value) * fraction) as u8))
            })
        });
        let preview = match preview {
            Some(image) => Some(Preview {
                bytes: media::encode_jpeg(&image).map_err(|error| NodeError::runtime(error.to_string()))?,
                mime: "image/jpeg",
            }),
            None => None,
        };
        context.progress(step, steps, preview).await?;
    }
    Ok(latent)
}

/// Latent sizes are image sizes here; SVD latents carry their init image and animate it.
fn decode(latent: &Latent) -> Vec<image::RgbImage> {
    let (width, height) = (
        latent.width.max(MIN_DECODED_SIDE_PX),
        latent.height.max(MIN_DECODED_SIDE_PX),
    );
    (0..latent.batch)
        .map(|frame| match &latent.init_image {
            Some(init) => pan(init, width, height, frame),
            None => picture(width, height, mix(&[latent.key, u64::from(frame)]), frame),
        })
        .collect()
}
