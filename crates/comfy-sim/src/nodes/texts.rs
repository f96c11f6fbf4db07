//! The `description`, input `tooltip`s and `output_tooltips` of `/object_info`, which the
//! recorded `object_info_full.json` had stripped. Texts of SaveImage, SaveVideo, LoadImage,
//! SaveImageWebsocket and SlowCounter are the ones traces m and l recorded; the others are
//! read from ComfyUI's `nodes.py` and `comfy_extras/nodes_video.py` (`DESCRIPTION`, the
//! `tooltip` option, `OUTPUT_TOOLTIPS`; V3 nodes always list one output tooltip per output).
//! server.py's `node_info` gives every class a `description`, `""` when the node has none.

use serde_json::{Map, Value, json};

/// SaveImage's `DESCRIPTION`, which PreviewImage inherits (it subclasses SaveImage).
const SAVE_IMAGE_DESCRIPTION: &str = "Saves the input images to your ComfyUI output directory.";
const SAVE_PREFIX_TOOLTIP: &str = "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.";

struct NodeTexts {
    class: &'static str,
    description: &'static str,
    input_tooltips: &'static [(&'static str, &'static str)],
    /// `None` when the node declares no `OUTPUT_TOOLTIPS` (the key is then absent).
    output_tooltips: Option<&'static [Option<&'static str>]>,
}

const NODE_TEXTS: [NodeTexts; 9] = [
    NodeTexts {
        class: "SaveImage",
        description: SAVE_IMAGE_DESCRIPTION,
        input_tooltips: &[
            ("images", "The images to save."),
            ("filename_prefix", SAVE_PREFIX_TOOLTIP),
        ],
        output_tooltips: None,
    },
    NodeTexts {
        class: "PreviewImage",
        description: SAVE_IMAGE_DESCRIPTION,
        input_tooltips: &[],
        output_tooltips: None,
    },
    NodeTexts {
        class: "SaveVideo",
        description: SAVE_IMAGE_DESCRIPTION,
        input_tooltips: &[
            ("video", "The video to save."),
            ("filename_prefix", SAVE_PREFIX_TOOLTIP),
            ("format", "The format to save the video as."),
            ("codec", "The codec to use for the video."),
        ],
        output_tooltips: Some(&[]),
    },
    NodeTexts {
        class: "CreateVideo",
        description: "Create a video from images.",
        input_tooltips: &[
            ("images", "The images to create a video from."),
            ("audio", "The audio to add to the video."),
        ],
        output_tooltips: Some(&[None]),
    },
    NodeTexts {
        class: "CheckpointLoaderSimple",
        description: "Loads a diffusion model checkpoint, diffusion models are used to denoise latents.",
        input_tooltips: &[("ckpt_name", "The name of the checkpoint (model) to load.")],
        output_tooltips: Some(&[
            Some("The model used for denoising latents."),
            Some("The CLIP model used for encoding text prompts."),
            Some("The VAE model used for encoding and decoding images to and from latent space."),
        ]),
    },
    NodeTexts {
        class: "CLIPTextEncode",
        description: "Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images.",
        input_tooltips: &[
            ("text", "The text to be encoded."),
            ("clip", "The CLIP model used for encoding the text."),
        ],
        output_tooltips: Some(&[Some(
            "A conditioning containing the embedded text used to guide the diffusion model.",
        )]),
    },
    NodeTexts {
        class: "EmptyLatentImage",
        description: "Create a new batch of empty latent images to be denoised via sampling.",
        input_tooltips: &[
            ("width", "The width of the latent images in pixels."),
            ("height", "The height of the latent images in pixels."),
            ("batch_size", "The number of latent images in the batch."),
        ],
        output_tooltips: Some(&[Some("The empty latent image batch.")]),
    },
    NodeTexts {
        class: "KSampler",
        description: "Uses the provided model, positive and negative conditioning to denoise the latent image.",
        input_tooltips: &[
            ("model", "The model used for denoising the input latent."),
            ("seed", "The random seed used for creating the noise."),
            ("steps", "The number of steps used in the denoising process."),
            (
                "cfg",
                "The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.",
            ),
            (
                "sampler_name",
                "The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.",
            ),
            (
                "scheduler",
                "The scheduler controls how noise is gradually removed to form the image.",
            ),
            (
                "positive",
                "The conditioning describing the attributes you want to include in the image.",
            ),
            (
                "negative",
                "The conditioning describing the attributes you want to exclude from the image.",
            ),
            ("latent_image", "The latent image to denoise."),
            (
                "denoise",
                "The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.",
            ),
        ],
        output_tooltips: Some(&[Some("The denoised latent.")]),
    },
    NodeTexts {
        class: "VAEDecode",
        description: "Decodes latent images back into pixel space images.",
        input_tooltips: &[
            ("samples", "The latent to be decoded."),
            ("vae", "The VAE model used for decoding the latent."),
        ],
        output_tooltips: Some(&[Some("The decoded image.")]),
    },
];

/// Puts the texts into one class's spec; classes without an entry get `description: ""`.
pub fn add_texts(class: &str, spec: &mut Value) {
    let texts = NODE_TEXTS.iter().find(|texts| texts.class == class);
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    spec.insert(
        "description".to_owned(),
        json!(texts.map_or("", |texts| texts.description)),
    );
    let Some(texts) = texts else {
        return;
    };
    for (input, tooltip) in texts.input_tooltips {
        add_input_tooltip(spec, input, tooltip);
    }
    if let Some(tooltips) = texts.output_tooltips {
        spec.insert("output_tooltips".to_owned(), json!(tooltips));
    }
}

/// An input is `[type]` or `[type, options]`; the tooltip goes into the options.
fn add_input_tooltip(spec: &mut Map<String, Value>, input: &str, tooltip: &str) {
    let Some(sections) = spec.get_mut("input").and_then(Value::as_object_mut) else {
        return;
    };
    for section in ["required", "optional"] {
        let Some(entry) = sections
            .get_mut(section)
            .and_then(|inputs| inputs.get_mut(input))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        if entry.len() < 2 {
            entry.push(json!({}));
        }
        if let Some(options) = entry[1].as_object_mut() {
            options.insert("tooltip".to_owned(), json!(tooltip));
        }
    }
}
