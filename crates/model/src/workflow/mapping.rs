//! Which node inputs receive which shot field: the mapping half of a profile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api::{ApiWorkflow, InputValue};
use crate::ordered::ordered_map;

/// A shot field a workflow input can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Prompt,
    Negative,
    /// The file name of the shot's keyframe, as a LoadImage `image` input takes it.
    Keyframe,
    Seed,
    Steps,
    Cfg,
    Width,
    Height,
    Frames,
    Fps,
    FilenamePrefix,
}

/// The shape of value a target writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetValue {
    Text,
    Integer,
    /// Integer or fractional.
    Number,
}

impl Target {
    pub const ALL: [Target; 11] = [
        Target::Prompt,
        Target::Negative,
        Target::Keyframe,
        Target::Seed,
        Target::Steps,
        Target::Cfg,
        Target::Width,
        Target::Height,
        Target::Frames,
        Target::Fps,
        Target::FilenamePrefix,
    ];

    /// The name shown to the user and used in mapping JSON.
    pub fn name(self) -> &'static str {
        match self {
            Target::Prompt => "prompt",
            Target::Negative => "negative",
            Target::Keyframe => "keyframe",
            Target::Seed => "seed",
            Target::Steps => "steps",
            Target::Cfg => "cfg",
            Target::Width => "width",
            Target::Height => "height",
            Target::Frames => "frames",
            Target::Fps => "fps",
            Target::FilenamePrefix => "filename_prefix",
        }
    }

    pub fn value_kind(self) -> TargetValue {
        match self {
            Target::Prompt | Target::Negative | Target::Keyframe | Target::FilenamePrefix => {
                TargetValue::Text
            }
            Target::Seed | Target::Steps | Target::Width | Target::Height | Target::Frames => {
                TargetValue::Integer
            }
            Target::Cfg | Target::Fps => TargetValue::Number,
        }
    }

    /// Whether a literal of this shape can sensibly be replaced by this target's value.
    pub fn suits(self, value: &Value) -> bool {
        match self.value_kind() {
            TargetValue::Text => value.is_string(),
            TargetValue::Integer => value.is_u64() || value.is_i64(),
            TargetValue::Number => value.is_number(),
        }
    }
}

/// One node input a target writes into, with why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedInput {
    pub node: String,
    pub input: String,
    pub reason: String,
}

/// Target → the node inputs it writes; one target may write several inputs (a prompt
/// feeding both the base and the refiner encoder).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping {
    targets: BTreeMap<Target, Vec<MappedInput>>,
}

impl Mapping {
    /// A mapping that lists every target, mapped or not, so its JSON shows what is missing.
    pub fn with_all_targets() -> Self {
        Self {
            targets: ordered_map(Target::ALL.into_iter().map(|target| (target, Vec::new()))),
        }
    }

    pub fn inputs(&self, target: Target) -> &[MappedInput] {
        self.targets.get(&target).map_or(&[], Vec::as_slice)
    }

    /// Adds a row unless that node input is already mapped to this target.
    pub fn add(&mut self, target: Target, row: MappedInput) {
        let rows = self.targets.entry(target).or_default();
        if !rows
            .iter()
            .any(|existing| existing.node == row.node && existing.input == row.input)
        {
            rows.push(row);
        }
    }

    /// Replaces every row of a target, as when the user picks inputs from the dropdown.
    pub fn set(&mut self, target: Target, rows: Vec<MappedInput>) {
        self.targets.insert(target, rows);
    }

    pub fn is_mapped(&self, node: &str, input: &str) -> bool {
        self.rows().any(|(_, row)| row.node == node && row.input == input)
    }

    /// Every row, targets in their fixed order.
    pub fn rows(&self) -> impl Iterator<Item = (Target, &MappedInput)> {
        self.targets
            .iter()
            .flat_map(|(target, rows)| rows.iter().map(move |row| (*target, row)))
    }
}

/// A node input the user can pick for a target in the mapping dropdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappableInput {
    pub node: String,
    pub title: String,
    pub class_type: String,
    pub input: String,
    pub current: Value,
}

/// Every literal input of the workflow (links cannot receive a shot value), in node id order.
pub fn mappable_inputs(workflow: &ApiWorkflow) -> Vec<MappableInput> {
    let mut inputs = Vec::new();
    for (id, node) in workflow.nodes() {
        for (input, value) in &node.inputs {
            if let InputValue::Literal(current) = InputValue::of(value) {
                inputs.push(MappableInput {
                    node: id.to_owned(),
                    title: node.title().to_owned(),
                    class_type: node.class_type.clone(),
                    input: input.clone(),
                    current: current.clone(),
                });
            }
        }
    }
    inputs
}
