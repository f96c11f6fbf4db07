//! Turning the model's JSON into a [`Draft`]: the shape asked for, or near enough.
//! Small models rename fields, nest the answer under a wrapper key, flatten the enhancers
//! or write a shot as a bare string; all of that is read. What is missing is filled in
//! and reported; what cannot be filled is left out and reported.

use serde_json::{Map, Value};
use shotline_model::project::{Enhancer, Enhancers};

use crate::draft::{Draft, DraftScene, DraftShot};
use crate::error::DraftError;
use crate::lenient::{Container, field, field_text, find_container, find_object, list, number};
use crate::limits::{MAX_SCENES, MAX_SHOT_DURATION_S, MAX_SHOTS_PER_SCENE, MIN_SHOT_DURATION_S};
use crate::logline::title_from_logline;
use crate::request::DraftRequest;
use crate::warning::DraftWarning;

/// Accepted spellings of each field, lower case without `_`, `-` or spaces.
const TITLE_KEYS: &[&str] = &["title", "name", "heading"];
const SUMMARY_KEYS: &[&str] = &["summary", "description", "synopsis", "beat"];
const SCENES_KEYS: &[&str] = &["scenes", "storyboard", "acts"];
const SHOTS_KEYS: &[&str] = &["shots", "shotlist", "frames"];
const PROMPT_KEYS: &[&str] = &[
    "prompt",
    "shotprompt",
    "imageprompt",
    "visual",
    "visualdescription",
    "description",
];
const ENHANCERS_KEYS: &[&str] = &["enhancers", "style", "camera"];
/// `durations` is `duration_s` normalised.
const DURATION_KEYS: &[&str] = &["durations", "duration", "seconds", "length", "durationseconds"];
/// What models write in an enhancer they mean to leave empty.
const EMPTY_WORDS: &[&str] = &["none", "n/a", "na", "-", "null"];

pub(crate) fn draft_from_json(
    value: &Value,
    request: &DraftRequest,
    warnings: &mut Vec<DraftWarning>,
) -> Result<Draft, DraftError> {
    let root = find_container(value, SCENES_KEYS).ok_or_else(|| DraftError::WrongShape {
        detail: "it has no list of scenes".to_owned(),
    })?;
    let (title, scene_values) = match root {
        Container::Object(fields) => (field_text(fields, TITLE_KEYS), list(fields, SCENES_KEYS)),
        Container::List(items) => (None, items.iter().collect()),
    };
    let title = title.unwrap_or_else(|| {
        warnings.push(DraftWarning::UntitledDraft);
        title_from_logline(&request.logline)
    });
    if scene_values.len() != request.scenes {
        warnings.push(DraftWarning::SceneCount {
            asked: request.scenes,
            got: scene_values.len(),
        });
    }
    let scenes: Vec<DraftScene> = scene_values
        .into_iter()
        .take(MAX_SCENES)
        .enumerate()
        .filter_map(|(index, scene)| scene_from_json(scene, index + 1, request.shots_per_scene, warnings))
        .collect();
    if scenes.is_empty() {
        return Err(DraftError::NothingUsable);
    }
    Ok(Draft { title, scenes })
}

/// One scene (numbered `number` in warnings); `None` when nothing in it is usable.
pub(crate) fn scene_from_json(
    value: &Value,
    number: usize,
    shots_asked: usize,
    warnings: &mut Vec<DraftWarning>,
) -> Option<DraftScene> {
    let Some(fields) = find_object(value, SHOTS_KEYS).or(value.as_object()) else {
        warnings.push(DraftWarning::DroppedScene { scene: number });
        return None;
    };
    let title = field_text(fields, TITLE_KEYS).unwrap_or_else(|| {
        warnings.push(DraftWarning::UntitledScene { scene: number });
        format!("Scene {number}")
    });
    let summary = field_text(fields, SUMMARY_KEYS).unwrap_or_else(|| {
        warnings.push(DraftWarning::MissingSummary { scene: number });
        String::new()
    });
    let shot_values = list(fields, SHOTS_KEYS);
    if shot_values.len() != shots_asked {
        warnings.push(DraftWarning::ShotCount {
            scene: number,
            asked: shots_asked,
            got: shot_values.len(),
        });
    }
    let mut shots: Vec<DraftShot> = shot_values
        .into_iter()
        .take(MAX_SHOTS_PER_SCENE)
        .enumerate()
        .filter_map(|(index, shot)| shot_from_json(shot, (number, index + 1), &summary, warnings))
        .collect();
    if shots.is_empty() {
        if summary.is_empty() {
            warnings.push(DraftWarning::DroppedScene { scene: number });
            return None;
        }
        warnings.push(DraftWarning::PromptFromSummary {
            scene: number,
            shot: 1,
        });
        shots.push(DraftShot {
            prompt: summary.clone(),
            enhancers: Enhancers::default(),
            duration_s: None,
        });
    }
    Some(DraftScene {
        title,
        summary,
        shots,
    })
}

/// One shot at `(scene, shot)` (numbers for warnings); `summary` stands in for a missing prompt.
pub(crate) fn shot_from_json(
    value: &Value,
    (scene, shot): (usize, usize),
    summary: &str,
    warnings: &mut Vec<DraftWarning>,
) -> Option<DraftShot> {
    let empty = Map::new();
    let (prompt, fields) = match value {
        Value::String(prompt) => (Some(prompt.trim().to_owned()).filter(|p| !p.is_empty()), &empty),
        _ => {
            let fields = find_object(value, PROMPT_KEYS)
                .or(value.as_object())
                .unwrap_or(&empty);
            (field_text(fields, PROMPT_KEYS), fields)
        }
    };
    let prompt = match prompt {
        Some(prompt) => prompt,
        None if !summary.trim().is_empty() => {
            warnings.push(DraftWarning::PromptFromSummary { scene, shot });
            summary.trim().to_owned()
        }
        None => {
            warnings.push(DraftWarning::DroppedShot { scene, shot });
            return None;
        }
    };
    let duration_s = field(fields, DURATION_KEYS).and_then(number).map(|from| {
        let to = from.clamp(MIN_SHOT_DURATION_S, MAX_SHOT_DURATION_S);
        if to != from {
            warnings.push(DraftWarning::DurationAdjusted {
                scene,
                shot,
                from,
                to,
            });
        }
        to
    });
    Some(DraftShot {
        prompt,
        enhancers: enhancers(fields),
        duration_s,
    })
}

/// From an `enhancers` object, or from the shot itself when the model flattened them.
fn enhancers(shot: &Map<String, Value>) -> Enhancers {
    let nested = field(shot, ENHANCERS_KEYS).and_then(Value::as_object);
    let mut enhancers = Enhancers::default();
    for enhancer in Enhancer::ALL {
        let keys = enhancer_keys(enhancer);
        let value = nested
            .and_then(|nested| field_text(nested, keys))
            .or_else(|| field_text(shot, keys))
            .filter(|value| !EMPTY_WORDS.contains(&value.to_ascii_lowercase().as_str()));
        enhancers.set(enhancer, value);
    }
    enhancers
}

fn enhancer_keys(enhancer: Enhancer) -> &'static [&'static str] {
    match enhancer {
        Enhancer::Framing => &["framing", "shottype", "shotsize"],
        Enhancer::Movement => &["movement", "cameramovement", "cameramotion", "motion"],
        Enhancer::Lens => &["lens", "focallength"],
        Enhancer::Lighting => &["lighting", "light"],
        Enhancer::Mood => &["mood", "tone"],
        Enhancer::Vfx => &["vfx", "effects", "visualeffects"],
        Enhancer::Pacing => &["pacing", "pace", "tempo"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::enhancer_key;

    #[test]
    fn every_enhancer_is_read_under_its_own_serde_name() {
        for enhancer in Enhancer::ALL {
            assert_eq!(enhancer_keys(enhancer)[0], enhancer_key(enhancer));
        }
    }
}
