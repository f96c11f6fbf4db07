//! Finding the prompt and negative prompt text inputs of a workflow.
//!
//! Links decide first: the text encoders whose conditioning reaches a sampler's
//! `positive` or `negative` input, through pass-through conditioning nodes (ControlNet,
//! combine, set area). Titles decide the rest: an encoder titled "…negative…" is the
//! negative prompt, and when links found no prompt, any other encoder is the prompt.

use std::collections::BTreeSet;

use serde_json::Value;

use super::api::{ApiNode, ApiWorkflow};
use super::mapping::{MappedInput, Mapping, Target};

/// Inputs that hold prompt text on the common text encoders (CLIPTextEncode,
/// CLIPTextEncodeSDXL, CLIPTextEncodeFlux, the video model encoders).
const TEXT_INPUTS: [&str; 6] = ["text", "text_g", "text_l", "clip_l", "t5xxl", "prompt"];

#[derive(Clone, Copy)]
enum Polarity {
    Positive,
    Negative,
}

impl Polarity {
    fn input(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }

    fn target(self) -> Target {
        match self {
            Polarity::Positive => Target::Prompt,
            Polarity::Negative => Target::Negative,
        }
    }
}

pub fn map_prompts(workflow: &ApiWorkflow, mapping: &mut Mapping) {
    let mut assigned: BTreeSet<String> = BTreeSet::new();
    // Samplers first, so reasons name the sampler rather than a ControlNet in between.
    let (mut consumers, others): (Vec<(&str, &ApiNode)>, Vec<_>) = workflow
        .nodes()
        .into_iter()
        .partition(|(_, node)| is_sampler(&node.class_type));
    consumers.extend(others);
    for (consumer_id, consumer) in consumers {
        for polarity in [Polarity::Positive, Polarity::Negative] {
            if consumer.link(polarity.input()).is_none() {
                continue;
            }
            // An encoder reached from both inputs keeps the role it was found in first.
            let texts: Vec<_> = trace_text(workflow, consumer_id, polarity)
                .into_iter()
                .filter(|(encoder, _)| !assigned.contains(encoder))
                .collect();
            for (encoder, input) in texts {
                let reason = format!(
                    "its text reaches the {} input of {} ({})",
                    polarity.input(),
                    consumer.title(),
                    consumer.class_type
                );
                assigned.insert(encoder.clone());
                mapping.add(
                    polarity.target(),
                    MappedInput {
                        node: encoder,
                        input,
                        reason,
                    },
                );
            }
        }
    }
    map_by_title(workflow, mapping, &assigned);
}

fn map_by_title(workflow: &ApiWorkflow, mapping: &mut Mapping, assigned: &BTreeSet<String>) {
    let prompt_found_by_links = !mapping.inputs(Target::Prompt).is_empty();
    for (id, node) in workflow.nodes() {
        if assigned.contains(id) || !node.class_type.contains("TextEncode") {
            continue;
        }
        let says_negative = node.title().to_ascii_lowercase().contains("negative");
        let target = match (says_negative, prompt_found_by_links) {
            (true, _) => Target::Negative,
            (false, false) => Target::Prompt,
            (false, true) => continue,
        };
        for input in literal_text_inputs(node) {
            let reason = if says_negative {
                format!("its title \"{}\" says negative", node.title())
            } else {
                format!(
                    "{} is a text encoder and no sampler link decides the prompt",
                    node.title()
                )
            };
            mapping.add(
                target,
                MappedInput {
                    node: id.to_owned(),
                    input,
                    reason,
                },
            );
        }
    }
}

/// The text inputs whose conditioning reaches `consumer`'s positive or negative input.
fn trace_text(workflow: &ApiWorkflow, consumer: &str, polarity: Polarity) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut visited = BTreeSet::new();
    let mut pending = vec![(consumer.to_owned(), polarity.input().to_owned())];
    while let Some((node_id, input)) = pending.pop() {
        let Some((source_id, _)) = workflow.node(&node_id).and_then(|node| node.link(&input)) else {
            continue;
        };
        if !visited.insert(source_id.to_owned()) {
            continue;
        }
        let Some(source) = workflow.node(source_id) else {
            continue;
        };
        let texts = text_inputs(workflow, source_id, source);
        if !texts.is_empty() {
            found.extend(texts);
        } else if source.link(polarity.input()).is_some() {
            pending.push((source_id.to_owned(), polarity.input().to_owned()));
        } else {
            let conditioning = source
                .inputs
                .keys()
                .filter(|name| name.starts_with("conditioning"));
            pending.extend(conditioning.map(|name| (source_id.to_owned(), name.clone())));
        }
    }
    found
}

/// The encoder's text inputs, following a text input wired from a string node one hop.
fn text_inputs(workflow: &ApiWorkflow, id: &str, node: &ApiNode) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = literal_text_inputs(node)
        .into_iter()
        .map(|input| (id.to_owned(), input))
        .collect();
    for name in TEXT_INPUTS {
        if let Some((source_id, _)) = node.link(name)
            && let Some(source) = workflow.node(source_id)
            && let Some((input, _)) = source.inputs.iter().find(|(_, value)| value.is_string())
        {
            texts.push((source_id.to_owned(), input.clone()));
        }
    }
    texts
}

fn literal_text_inputs(node: &ApiNode) -> Vec<String> {
    TEXT_INPUTS
        .iter()
        .filter(|name| node.literal(name).is_some_and(Value::is_string))
        .map(|name| (*name).to_owned())
        .collect()
}

fn is_sampler(class_type: &str) -> bool {
    class_type.contains("Sampler") || class_type.contains("Guider")
}
