//! Widget values of an editor node, matched to the input names of its class.
//!
//! The editor saves widget values as a bare list in widget order (the class's input
//! order, skipping sockets). Some widgets bring an extra value that is no input: the
//! "control after generate" mode after a seed, and the upload button after a file
//! choice. Those are recognised by shape, so a workflow saved by a frontend that did
//! not write them still lines up.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use super::object_info::{InputKind, InputSpec, NodeSpec};
use super::ui_format::UiNode;
use crate::ordered::ordered_map;

/// The values the "control after generate" widget takes; old frontends saved a bool.
const CONTROL_MODES: [&str; 4] = ["fixed", "increment", "decrement", "randomize"];

/// Widget values by input name, with the class's defaults where the node saved none.
pub fn widget_values(spec: &NodeSpec, node: &UiNode) -> BTreeMap<String, Value> {
    let widgets = spec.inputs.iter().filter(|input| input.is_widget());
    match &node.widgets_values {
        // Some custom nodes save their widgets as an object keyed by name.
        Some(Value::Object(by_name)) => ordered_map(widgets.map(|input| {
            let value = by_name
                .get(&input.name)
                .cloned()
                .unwrap_or_else(|| default_value(input));
            (input.name.clone(), value)
        })),
        Some(Value::Array(list)) => positional_values(widgets, list),
        _ => ordered_map(widgets.map(|input| (input.name.clone(), default_value(input)))),
    }
}

fn positional_values<'a>(
    widgets: impl Iterator<Item = &'a InputSpec>,
    list: &[Value],
) -> BTreeMap<String, Value> {
    let mut values = BTreeMap::new();
    let mut position = 0;
    for input in widgets {
        let value = match list.get(position) {
            Some(value) if !value.is_null() => value.clone(),
            _ => default_value(input),
        };
        position += 1;
        let next = list.get(position);
        let control_value = has_control_widget(input) && next.is_some_and(is_control_mode);
        let upload_value = input.upload_button && next.is_some_and(Value::is_string);
        if control_value || upload_value {
            position += 1;
        }
        values.insert(input.name.clone(), value);
    }
    values
}

fn has_control_widget(input: &InputSpec) -> bool {
    // Frontends older than the `control_after_generate` flag added it by name.
    input.control_after_generate
        || (input.kind == InputKind::Int && matches!(input.name.as_str(), "seed" | "noise_seed"))
}

fn is_control_mode(value: &Value) -> bool {
    match value {
        Value::Bool(_) => true,
        Value::String(mode) => CONTROL_MODES.contains(&mode.as_str()),
        _ => false,
    }
}

/// The value the editor gives a new widget of this input.
pub fn default_value(input: &InputSpec) -> Value {
    if let Some(default) = &input.default {
        return default.clone();
    }
    match &input.kind {
        InputKind::Combo(choices) => choices.first().cloned().unwrap_or(Value::String(String::new())),
        InputKind::Int | InputKind::Float => Value::Number(
            input
                .min
                .clone()
                .filter(is_positive)
                .unwrap_or_else(|| Number::from(0)),
        ),
        InputKind::Boolean => Value::Bool(false),
        InputKind::String | InputKind::Socket(_) => Value::String(String::new()),
    }
}

fn is_positive(number: &Number) -> bool {
    number.as_f64().is_some_and(|value| value > 0.0)
}
