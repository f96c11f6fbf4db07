//! Auto-mapping: a proposed mapping with a human reason per row, for the user to confirm.
//!
//! Steps and cfg are never proposed: many workflows tune them per sampler pass (a
//! refiner's step range, a turbo model's cfg of 1), so overriding them must be the
//! user's choice.

use super::api::ApiWorkflow;
use super::automap_prompt::map_prompts;
use super::mapping::{MappedInput, Mapping, Target};

/// A node input of known meaning on the classes that carry it.
struct Rule {
    target: Target,
    classes: &'static [&'static str],
    input: &'static str,
    why: &'static str,
}

const LATENT_AND_IMAGE_SOURCES: &[&str] = &["EmptyLatentImage", "EmptySD3LatentImage", "EmptyImage"];

const RULES: &[Rule] = &[
    Rule {
        target: Target::Seed,
        classes: &["KSampler"],
        input: "seed",
        why: "sets the sampler's noise seed",
    },
    Rule {
        target: Target::Seed,
        classes: &["KSamplerAdvanced", "RandomNoise", "SamplerCustom"],
        input: "noise_seed",
        why: "sets the noise seed",
    },
    Rule {
        target: Target::Width,
        classes: LATENT_AND_IMAGE_SOURCES,
        input: "width",
        why: "sets the picture width",
    },
    Rule {
        target: Target::Height,
        classes: LATENT_AND_IMAGE_SOURCES,
        input: "height",
        why: "sets the picture height",
    },
    Rule {
        target: Target::Frames,
        classes: LATENT_AND_IMAGE_SOURCES,
        input: "batch_size",
        why: "sets how many frames one run makes",
    },
    Rule {
        target: Target::Width,
        classes: &["SVD_img2vid_Conditioning"],
        input: "width",
        why: "sets the video width",
    },
    Rule {
        target: Target::Height,
        classes: &["SVD_img2vid_Conditioning"],
        input: "height",
        why: "sets the video height",
    },
    Rule {
        target: Target::Frames,
        classes: &["SVD_img2vid_Conditioning"],
        input: "video_frames",
        why: "sets how many video frames are made",
    },
    Rule {
        target: Target::Fps,
        classes: &["SVD_img2vid_Conditioning"],
        input: "fps",
        why: "tells the video model the frame rate",
    },
    Rule {
        target: Target::Fps,
        classes: &["CreateVideo", "SaveAnimatedWEBP", "SaveAnimatedPNG"],
        input: "fps",
        why: "sets the frame rate of the saved video",
    },
];

/// Proposes a mapping for a workflow; every target is listed, unmapped ones empty.
pub fn auto_map(workflow: &ApiWorkflow) -> Mapping {
    let mut mapping = Mapping::with_all_targets();
    map_prompts(workflow, &mut mapping);
    map_keyframe(workflow, &mut mapping);
    for (id, node) in workflow.nodes() {
        for rule in RULES
            .iter()
            .filter(|rule| rule.classes.contains(&node.class_type.as_str()))
        {
            if node
                .literal(rule.input)
                .is_some_and(|value| rule.target.suits(value))
            {
                let reason = format!("{} ({}) {}", node.title(), node.class_type, rule.why);
                mapping.add(
                    rule.target,
                    MappedInput {
                        node: id.to_owned(),
                        input: rule.input.to_owned(),
                        reason,
                    },
                );
            }
        }
        // Every save node names its files this way, custom ones (video combiners) too.
        if node
            .literal("filename_prefix")
            .is_some_and(serde_json::Value::is_string)
        {
            let reason = format!("{} ({}) names the saved files", node.title(), node.class_type);
            mapping.add(
                Target::FilenamePrefix,
                MappedInput {
                    node: id.to_owned(),
                    input: "filename_prefix".to_owned(),
                    reason,
                },
            );
        }
    }
    mapping
}

/// The first LoadImage (by node id) receives the keyframe; later ones are usually
/// masks or references the user set up by hand.
fn map_keyframe(workflow: &ApiWorkflow, mapping: &mut Mapping) {
    let first = workflow
        .nodes()
        .into_iter()
        .find(|(_, node)| node.class_type == "LoadImage");
    if let Some((id, node)) = first
        && node.literal("image").is_some()
    {
        let reason = format!(
            "{} is the first Load Image node, so it loads the shot's keyframe",
            node.title()
        );
        mapping.add(
            Target::Keyframe,
            MappedInput {
                node: id.to_owned(),
                input: "image".to_owned(),
                reason,
            },
        );
    }
}
