//! From a collected answer to a checked draft (or one scene, or one shot of it): find
//! the JSON, mend it, read it, and say what was mended or filled in.

use serde_json::Value;

use crate::completion::{Completion, StreamEnd};
use crate::draft::{Draft, DraftScene, DraftShot};
use crate::error::DraftError;
use crate::repair::extract_json;
use crate::request::DraftRequest;
use crate::validate::{draft_from_json, scene_from_json, shot_from_json};
use crate::warning::DraftWarning;

/// A usable result and what the user should know about it before accepting it.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated<T> {
    pub value: T,
    pub warnings: Vec<DraftWarning>,
}

pub fn read_draft(completion: &Completion, request: &DraftRequest) -> Result<Validated<Draft>, DraftError> {
    let (json, mut warnings) = json_of(completion)?;
    let draft =
        draft_from_json(&json, request, &mut warnings).map_err(|error| blame_the_cut(completion, error))?;
    Ok(Validated {
        value: draft,
        warnings,
    })
}

/// The answer to [`crate::scene_body`] for scene `scene` (0-based).
pub fn read_scene(
    completion: &Completion,
    request: &DraftRequest,
    scene: usize,
) -> Result<Validated<DraftScene>, DraftError> {
    let (json, mut warnings) = json_of(completion)?;
    let scene = scene_from_json(&json, scene + 1, request.shots_per_scene, &mut warnings)
        .ok_or_else(|| blame_the_cut(completion, DraftError::NothingUsable))?;
    Ok(Validated {
        value: scene,
        warnings,
    })
}

/// The answer to [`crate::shot_body`] for shot `shot` of scene `scene` (both 0-based);
/// the scene's summary stands in for a missing prompt.
pub fn read_shot(
    completion: &Completion,
    draft: &Draft,
    scene: usize,
    shot: usize,
) -> Result<Validated<DraftShot>, DraftError> {
    let summary = &draft.scene(scene)?.summary;
    let (json, mut warnings) = json_of(completion)?;
    let shot = shot_from_json(&json, (scene + 1, shot + 1), summary, &mut warnings)
        .ok_or_else(|| blame_the_cut(completion, DraftError::NothingUsable))?;
    Ok(Validated {
        value: shot,
        warnings,
    })
}

fn json_of(completion: &Completion) -> Result<(Value, Vec<DraftWarning>), DraftError> {
    let ended = completion.end == StreamEnd::Finished;
    if completion.text.trim().is_empty() {
        return Err(match completion.end {
            _ if !completion.reasoning.trim().is_empty() => DraftError::OnlyReasoning,
            StreamEnd::Finished => DraftError::Empty,
            StreamEnd::CutByLength | StreamEnd::Truncated => DraftError::StreamCut,
        });
    }
    let extracted = extract_json(&completion.text).map_err(|error| match error {
        // Brackets left open in an answer that did end are the model's mistake, not the
        // connection's.
        DraftError::StreamCut if ended => DraftError::InvalidJson {
            detail: "brackets were left open".to_owned(),
        },
        DraftError::NoJson if !ended => DraftError::StreamCut,
        other => other,
    })?;
    let mut warnings: Vec<DraftWarning> = match completion.end {
        StreamEnd::Finished => Vec::new(),
        StreamEnd::CutByLength => vec![DraftWarning::TokenLimit],
        StreamEnd::Truncated => vec![DraftWarning::AnswerCut],
    };
    warnings.extend(extracted.repairs.into_iter().map(DraftWarning::Repaired));
    Ok((extracted.value, warnings))
}

/// A cut answer mended into too little to use failed because of the cut, not the model.
fn blame_the_cut(completion: &Completion, error: DraftError) -> DraftError {
    match error {
        DraftError::WrongShape { .. } | DraftError::NothingUsable
            if completion.end != StreamEnd::Finished =>
        {
            DraftError::StreamCut
        }
        other => other,
    }
}
