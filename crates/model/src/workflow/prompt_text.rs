//! The final prompt text of a shot, shown to the user as a live preview and sent as is.
//!
//! Order, fixed so the same shot always gives the same text:
//! 1. the shot's own prompt,
//! 2. the shot's enhancers, in the order the user put them,
//! 3. the scene's context,
//! 4. the project style.
//!
//! The negative prompt is the shot's negative, then the scene's, then the style's.
//! Each part is trimmed of surrounding whitespace; blank parts and exact repeats of an
//! earlier part are left out; the rest are joined with ", ", the separator prompts for
//! diffusion models conventionally use. Nothing inside a part is changed or escaped:
//! quotes, newlines, emoji and markup reach ComfyUI byte for byte.

use serde::{Deserialize, Serialize};

const PART_SEPARATOR: &str = ", ";

/// The text fields that make up a shot's prompts, as plain data so any caller (the
/// project model, the command line) can fill it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShotText {
    pub prompt: String,
    pub negative: String,
    /// Prompt fragments of the enhancers picked for the shot, in the user's order.
    pub enhancers: Vec<String>,
    pub scene_prompt: String,
    pub scene_negative: String,
    pub style_prompt: String,
    pub style_negative: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptText {
    pub prompt: String,
    pub negative: String,
}

pub fn build_prompt_text(shot: &ShotText) -> PromptText {
    let positive_parts = std::iter::once(&shot.prompt)
        .chain(&shot.enhancers)
        .chain([&shot.scene_prompt, &shot.style_prompt]);
    let negative_parts = [&shot.negative, &shot.scene_negative, &shot.style_negative];
    PromptText {
        prompt: join_parts(positive_parts),
        negative: join_parts(negative_parts),
    }
}

fn join_parts<'a>(parts: impl IntoIterator<Item = &'a String>) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for part in parts.into_iter().map(|part| part.trim()) {
        if !part.is_empty() && !kept.contains(&part) {
            kept.push(part);
        }
    }
    kept.join(PART_SEPARATOR)
}
