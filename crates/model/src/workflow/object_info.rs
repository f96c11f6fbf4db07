//! A server's `/object_info`: which node classes it has and what each class accepts.
//!
//! Parsed leniently because custom node packs put odd things in their specs: an input
//! spec we cannot read becomes a socket of its printed type instead of failing the
//! whole map. Input order matters (UI widget values are positional), so specs are read
//! in the order `input_order` gives, or failing that in the order the JSON lists them.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::object_info_raw::{OrderedSpecs, RawNodeSpec};
use crate::ordered::{ordered_map, sort_stable_by};

/// The `/object_info` map: node class name → what the class accepts and produces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectInfo {
    classes: BTreeMap<String, NodeSpec>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ObjectInfoError {
    #[error("the node list is not valid JSON ({0})")]
    NotJson(String),
    #[error("the node list is not a JSON object of node classes")]
    NotAnObject,
}

/// One node class.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub display_name: String,
    /// Required inputs first, then optional ones, each group in the server's order.
    pub inputs: Vec<InputSpec>,
    /// Output types by slot index.
    pub outputs: Vec<String>,
    pub output_node: bool,
}

/// One input of a node class.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    pub name: String,
    pub required: bool,
    pub kind: InputKind,
    pub default: Option<Value>,
    pub min: Option<serde_json::Number>,
    pub max: Option<serde_json::Number>,
    /// The editor shows a "control after generate" widget after this one.
    pub control_after_generate: bool,
    /// The editor shows an upload button after this one (`image_upload`, `video_upload`, ...).
    pub upload_button: bool,
    /// A widget type declared as a socket only (`forceInput`): it has no widget value.
    pub force_input: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    Int,
    Float,
    String,
    Boolean,
    /// A choice among listed values (model files, sampler names, ...).
    Combo(Vec<Value>),
    /// Fed by a link only: MODEL, CLIP, IMAGE, ...
    Socket(String),
}

impl ObjectInfo {
    /// Reads the JSON text of `/object_info` (or of one `/object_info/<Class>` answer).
    ///
    /// Takes text rather than a parsed value because a parsed map has lost the order of
    /// the inputs, which old servers without `input_order` only give by document order.
    pub fn from_json_str(text: &str) -> Result<Self, ObjectInfoError> {
        let raw: BTreeMap<String, Box<RawValue>> = serde_json::from_str(text).map_err(|error| {
            if error.is_data() {
                ObjectInfoError::NotAnObject
            } else {
                ObjectInfoError::NotJson(error.to_string())
            }
        })?;
        let classes = ordered_map(
            raw.iter()
                .filter_map(|(name, spec)| Some((name.clone(), NodeSpec::from_raw(name, spec.get())?))),
        );
        Ok(Self { classes })
    }

    /// Adds the classes of `other`, e.g. one per-class `/object_info/<Class>` answer.
    pub fn extend(&mut self, other: ObjectInfo) {
        self.classes.extend(other.classes);
    }

    pub fn class(&self, class_type: &str) -> Option<&NodeSpec> {
        self.classes.get(class_type)
    }

    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

impl NodeSpec {
    fn from_raw(name: &str, json: &str) -> Option<Self> {
        let raw: RawNodeSpec = serde_json::from_str(json).ok()?;
        let mut inputs = Vec::new();
        for (group, required) in [(raw.input.required, true), (raw.input.optional, false)] {
            let Some(OrderedSpecs(mut specs)) = group else {
                continue;
            };
            let order = raw.input_order.as_ref().and_then(|order| order.group(required));
            if let Some(order) = order {
                let place = |input: &String| order.iter().position(|n| n == input).unwrap_or(usize::MAX);
                sort_stable_by(&mut specs, |(a, _), (b, _)| place(a).cmp(&place(b)));
            }
            inputs.extend(
                specs
                    .into_iter()
                    .map(|(input, spec)| InputSpec::from_value(input, required, &spec)),
            );
        }
        Some(Self {
            display_name: raw.display_name.unwrap_or_else(|| name.to_owned()),
            inputs,
            outputs: raw.output.iter().map(type_name).collect(),
            output_node: raw.output_node,
        })
    }

    pub fn input(&self, name: &str) -> Option<&InputSpec> {
        self.inputs.iter().find(|input| input.name == name)
    }
}

impl InputSpec {
    fn from_value(name: String, required: bool, spec: &Value) -> Self {
        let empty = Map::new();
        let (type_value, options) = match spec {
            Value::Array(parts) => (
                parts.first(),
                parts.get(1).and_then(Value::as_object).unwrap_or(&empty),
            ),
            other => (Some(other), &empty),
        };
        let kind = match type_value {
            Some(Value::Array(choices)) => InputKind::Combo(choices.clone()),
            Some(Value::String(kind)) => match kind.as_str() {
                "INT" => InputKind::Int,
                "FLOAT" => InputKind::Float,
                "STRING" => InputKind::String,
                "BOOLEAN" => InputKind::Boolean,
                // Newer servers spell combos as "COMBO" with the choices in the options.
                "COMBO" => InputKind::Combo(
                    options
                        .get("options")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                ),
                other => InputKind::Socket(other.to_owned()),
            },
            other => InputKind::Socket(other.map(type_name).unwrap_or_default()),
        };
        let flag = |key: &str| options.get(key).and_then(Value::as_bool).unwrap_or(false);
        let number = |key: &str| options.get(key).and_then(Value::as_number).cloned();
        Self {
            name,
            required,
            kind,
            default: options.get("default").cloned(),
            min: number("min"),
            max: number("max"),
            // Newer servers may name the initial control mode instead of saying `true`.
            control_after_generate: matches!(
                options.get("control_after_generate"),
                Some(Value::Bool(true) | Value::String(_))
            ),
            upload_button: options
                .iter()
                .any(|(key, value)| key.ends_with("_upload") && value == &Value::Bool(true)),
            force_input: flag("forceInput"),
        }
    }

    /// Whether the editor shows this input as a widget holding a value.
    pub fn is_widget(&self) -> bool {
        !self.force_input && !matches!(self.kind, InputKind::Socket(_))
    }

    /// The type name ComfyUI uses for this input, as shown to users.
    pub fn type_name(&self) -> &str {
        match &self.kind {
            InputKind::Int => "INT",
            InputKind::Float => "FLOAT",
            InputKind::String => "STRING",
            InputKind::Boolean => "BOOLEAN",
            InputKind::Combo(_) => "COMBO",
            InputKind::Socket(kind) => kind,
        }
    }
}

fn type_name(value: &Value) -> String {
    match value {
        Value::String(name) => name.clone(),
        Value::Array(_) => "COMBO".to_owned(),
        other => other.to_string(),
    }
}
