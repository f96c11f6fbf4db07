//! Writing a shot's values into a copy of the workflow through the mapping.

use serde_json::{Number, Value};

use super::api::ApiWorkflow;
use super::mapping::{Mapping, Target};

/// The values one submission writes; `None` leaves the workflow's own value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShotValues {
    pub prompt: Option<String>,
    pub negative: Option<String>,
    /// The name ComfyUI returned for the uploaded keyframe (see [`uploaded_image_name`]).
    pub keyframe: Option<String>,
    /// ComfyUI accepts the whole u64 range, 0..=0xffff_ffff_ffff_ffff.
    pub seed: Option<u64>,
    pub steps: Option<u32>,
    pub cfg: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub frames: Option<u32>,
    pub fps: Option<f64>,
    pub filename_prefix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    #[error("The {target} is mapped to node {node}, which is not in the workflow.")]
    MappedNodeMissing { target: &'static str, node: String },
    #[error("The {target} is mapped to input \"{input}\" of node {node}, which is fed by another node.")]
    MappedInputLinked {
        target: &'static str,
        node: String,
        input: String,
    },
    #[error("The {target} must be a finite number.")]
    NotFinite { target: &'static str },
}

/// A copy of `workflow` with every mapped input that has a value set to it.
pub fn patch_workflow(
    workflow: &ApiWorkflow,
    mapping: &Mapping,
    values: &ShotValues,
) -> Result<ApiWorkflow, PatchError> {
    let mut patched = workflow.clone();
    for (target, row) in mapping.rows() {
        let current = patched.node(&row.node).and_then(|node| node.literal(&row.input));
        let holds_integer = current.is_some_and(|value| value.is_u64() || value.is_i64());
        let Some(value) = values.value_for(target, holds_integer)? else {
            continue;
        };
        let node = patched
            .node_mut(&row.node)
            .ok_or_else(|| PatchError::MappedNodeMissing {
                target: target.name(),
                node: row.node.clone(),
            })?;
        if node.link(&row.input).is_some() {
            return Err(PatchError::MappedInputLinked {
                target: target.name(),
                node: row.node.clone(),
                input: row.input.clone(),
            });
        }
        node.inputs.insert(row.input.clone(), value);
    }
    Ok(patched)
}

/// The LoadImage value for an uploaded file: ComfyUI answers `{name, subfolder}` and
/// LoadImage takes `subfolder/name` when the subfolder is not empty.
pub fn uploaded_image_name(name: &str, subfolder: &str) -> String {
    if subfolder.is_empty() {
        name.to_owned()
    } else {
        format!("{subfolder}/{name}")
    }
}

impl ShotValues {
    fn value_for(&self, target: Target, holds_integer: bool) -> Result<Option<Value>, PatchError> {
        let text = |value: &Option<String>| value.clone().map(Value::String);
        let integer = |value: Option<u32>| value.map(Value::from);
        let fractional = |value: Option<f64>| match value {
            Some(number) => number_value(number, holds_integer)
                .map(Some)
                .ok_or(PatchError::NotFinite {
                    target: target.name(),
                }),
            None => Ok(None),
        };
        Ok(match target {
            Target::Prompt => text(&self.prompt),
            Target::Negative => text(&self.negative),
            Target::Keyframe => text(&self.keyframe),
            Target::FilenamePrefix => text(&self.filename_prefix),
            Target::Seed => self.seed.map(Value::from),
            Target::Steps => integer(self.steps),
            Target::Width => integer(self.width),
            Target::Height => integer(self.height),
            Target::Frames => integer(self.frames),
            Target::Cfg => fractional(self.cfg)?,
            Target::Fps => fractional(self.fps)?,
        })
    }
}

/// An integer where the input held one and the number is whole (SVD's fps is an INT
/// input, the savers' fps a FLOAT one), else a float.
fn number_value(number: f64, holds_integer: bool) -> Option<Value> {
    const LARGEST_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;
    if holds_integer && number.fract() == 0.0 && number.abs() <= LARGEST_EXACT_INTEGER {
        // Whole and within f64's exact integer range, so the cast loses nothing.
        return Some(Value::from(number as i64));
    }
    Number::from_f64(number).map(Value::Number)
}
