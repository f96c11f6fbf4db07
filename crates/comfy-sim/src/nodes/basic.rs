//! Weight-free image nodes and the three trace test nodes (SlowCounter, FailAlways, SlowPreview).

use std::sync::Arc;

use image::imageops::FilterType;
use image::{Rgb, RgbImage};

use super::{NodeError, NodeOutput, NodeValue};
use crate::execution::NodeContext;
use crate::media;
use crate::progress::Preview;

/// SlowPreview attaches previews of this size, like the recording's custom node (trace j).
const SLOW_PREVIEW_SIZE_PX: u32 = 32;
const MILLIS_PER_SECOND: f64 = 1000.0;

pub async fn run(class_type: &str, context: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    match class_type {
        "EmptyImage" => Ok(images_output(empty_image(context))),
        "LoadImage" => load_image(context),
        "ImageScale" => image_scale(context),
        "SlowCounter" => slow_steps(context, 5, 0.3, false).await,
        "SlowPreview" => slow_steps(context, 3, 0.2, true).await,
        "FailAlways" => Err(NodeError::runtime("intentional failure for tracing")),
        other => Err(NodeError::runtime(format!(
            "comfy-sim has no implementation of {other}"
        ))),
    }
}

pub fn images_output(images: Vec<RgbImage>) -> NodeOutput {
    NodeOutput {
        values: vec![NodeValue::Images(Arc::new(images))],
        ui: None,
    }
}

fn dimension(value: i64) -> u32 {
    u32::try_from(value.max(1)).unwrap_or(u32::MAX)
}

fn empty_image(context: &NodeContext<'_>) -> Vec<RgbImage> {
    let inputs = &context.inputs;
    let (width, height) = (
        dimension(inputs.int("width", 512)),
        dimension(inputs.int("height", 512)),
    );
    let batch = dimension(inputs.int("batch_size", 1));
    let [_, red, green, blue] = u32::try_from(inputs.int("color", 0)).unwrap_or(0).to_be_bytes();
    (0..batch)
        .map(|_| RgbImage::from_pixel(width, height, Rgb([red, green, blue])))
        .collect()
}

fn load_image(context: &NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let name = context.inputs.text("image", "");
    let path = crate::paths::resolve_in(&context.sim.dirs.input, "", &name)
        .ok_or_else(|| NodeError::value(format!("Invalid image file: {name}")))?;
    let image =
        image::open(&path).map_err(|error| NodeError::value(format!("cannot read {name}: {error}")))?;
    let rgb = image.to_rgb8();
    let mask = RgbImage::new(rgb.width(), rgb.height());
    Ok(NodeOutput {
        values: vec![
            NodeValue::Images(Arc::new(vec![rgb])),
            NodeValue::Images(Arc::new(vec![mask])),
        ],
        ui: None,
    })
}

fn image_scale(context: &NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let images = context.inputs.images("image")?;
    let width = context.inputs.int("width", 512);
    let height = context.inputs.int("height", 512);
    let scaled = images
        .iter()
        .map(|image| {
            // ComfyUI keeps the aspect ratio when one side is 0.
            let (target_width, target_height) = match (width, height) {
                (0, 0) => (image.width(), image.height()),
                (0, h) => (scale_side(image.width(), h, image.height()), dimension(h)),
                (w, 0) => (dimension(w), scale_side(image.height(), w, image.width())),
                (w, h) => (dimension(w), dimension(h)),
            };
            image::imageops::resize(image, target_width, target_height, FilterType::Triangle)
        })
        .collect();
    Ok(images_output(scaled))
}

fn scale_side(side: u32, new_other: i64, old_other: u32) -> u32 {
    let scaled = f64::from(side) * new_other as f64 / f64::from(old_other.max(1));
    dimension(scaled.round() as i64)
}

/// Sleeps `delay` seconds per step and reports `k/steps`, optionally with a JPEG preview.
async fn slow_steps(
    context: &mut NodeContext<'_>,
    default_steps: i64,
    default_delay_s: f64,
    with_preview: bool,
) -> Result<NodeOutput, NodeError> {
    let images = context.inputs.images("image")?;
    let steps = u64::try_from(context.inputs.int("steps", default_steps).max(1)).unwrap_or(1);
    let delay_ms = (context.inputs.float("delay", default_delay_s).max(0.0) * MILLIS_PER_SECOND) as u64;
    for step in 1..=steps {
        context.sleep_ms(delay_ms).await?;
        let preview = match (with_preview, images.first()) {
            (true, Some(first)) => {
                let small = image::imageops::resize(
                    first,
                    SLOW_PREVIEW_SIZE_PX,
                    SLOW_PREVIEW_SIZE_PX,
                    FilterType::Triangle,
                );
                let bytes =
                    media::encode_jpeg(&small).map_err(|error| NodeError::runtime(error.to_string()))?;
                Some(Preview {
                    bytes,
                    mime: "image/jpeg",
                })
            }
            _ => None,
        };
        context.progress(step, steps, preview).await?;
    }
    Ok(NodeOutput {
        values: vec![NodeValue::Images(images)],
        ui: None,
    })
}
