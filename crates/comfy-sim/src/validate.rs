//! Prompt validation with ComfyUI 0.3.64's error types and texts (trace c_validation_error).

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use crate::graph::{as_link, node_id_order};
use crate::nodes::value_as_f64;
use crate::state::Sim;

/// A rejected prompt: the 400 body's `error`, plus `node_errors`.
pub struct Rejection {
    pub error: Value,
    pub node_errors: Map<String, Value>,
}

/// Outputs that will run, and per-node errors of outputs that will not.
pub struct Accepted {
    pub outputs: Vec<String>,
    pub node_errors: Map<String, Value>,
}

fn top_error(kind: &str, message: &str, details: &str) -> Value {
    json!({"type": kind, "message": message, "details": details, "extra_info": {}})
}

pub fn validate(sim: &Sim, prompt: &Map<String, Value>) -> Result<Accepted, Rejection> {
    let registry = &sim.nodes;
    for (node_id, node) in prompt {
        let Some(class_type) = node["class_type"].as_str() else {
            let error = top_error(
                "invalid_prompt",
                "Cannot execute because a node is missing the class_type property.",
                &format!("Node ID '#{node_id}'"),
            );
            return Err(Rejection {
                error,
                node_errors: Map::new(),
            });
        };
        if !registry.contains(class_type) {
            let message = format!("Cannot execute because node {class_type} does not exist.");
            let error = top_error("invalid_prompt", &message, &format!("Node ID '#{node_id}'"));
            return Err(Rejection {
                error,
                node_errors: Map::new(),
            });
        }
    }
    let mut outputs: Vec<String> = prompt
        .iter()
        .filter(|(_, node)| {
            node["class_type"]
                .as_str()
                .is_some_and(|class| registry.is_output_node(class))
        })
        .map(|(node_id, _)| node_id.clone())
        .collect();
    outputs.sort_by(|a, b| node_id_order(a, b));
    if outputs.is_empty() {
        let error = top_error("prompt_no_outputs", "Prompt has no outputs", "");
        return Err(Rejection {
            error,
            node_errors: Map::new(),
        });
    }
    let mut errors: BTreeMap<String, (Vec<Value>, Vec<String>)> = BTreeMap::new();
    let mut good_outputs = Vec::new();
    let mut exception_details = Vec::new();
    for output in &outputs {
        let mut failed = Vec::new();
        let mut visited = HashSet::new();
        check_node(sim, prompt, output, &mut visited, &mut failed);
        if failed.is_empty() {
            good_outputs.push(output.clone());
        }
        for (node_id, error) in failed {
            if error["type"] == "exception_during_validation" {
                exception_details.push(format!(
                    "Exception when validating node: {}",
                    error["details"].as_str().unwrap_or("")
                ));
            }
            let entry = errors.entry(node_id).or_default();
            if !entry.1.contains(output) {
                entry.1.push(output.clone());
            }
            if !entry.0.contains(&error) {
                entry.0.push(error);
            }
        }
    }
    let node_errors: Map<String, Value> = errors
        .into_iter()
        .map(|(node_id, (node_errors, dependent_outputs))| {
            let class_type = prompt[&node_id]["class_type"].clone();
            (node_id, json!({"errors": node_errors, "dependent_outputs": dependent_outputs, "class_type": class_type}))
        })
        .collect();
    if good_outputs.is_empty() {
        let details = exception_details.join("\n");
        let error = top_error(
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            &details,
        );
        return Err(Rejection { error, node_errors });
    }
    Ok(Accepted {
        outputs: good_outputs,
        node_errors,
    })
}

/// Validates `node_id` and everything it links to; errors are attributed to the failing node.
fn check_node(
    sim: &Sim,
    prompt: &Map<String, Value>,
    node_id: &str,
    visited: &mut HashSet<String>,
    failed: &mut Vec<(String, Value)>,
) {
    if !visited.insert(node_id.to_owned()) {
        return;
    }
    let node = &prompt[node_id];
    let class_type = node["class_type"].as_str().unwrap_or_default();
    let Some(spec) = sim.nodes.spec(class_type, &sim.dirs.input) else {
        return;
    };
    let inputs = node["inputs"].as_object().cloned().unwrap_or_default();
    for (section, required) in [("required", true), ("optional", false)] {
        let Some(specs) = spec["input"][section].as_object() else {
            continue;
        };
        for (name, input_spec) in specs {
            let Some(value) = inputs.get(name) else {
                if required {
                    failed.push((
                        node_id.to_owned(),
                        input_error(
                            "required_input_missing",
                            "Required input is missing",
                            name,
                            json!({"input_name": name}),
                        ),
                    ));
                }
                continue;
            };
            if let Some(error) =
                check_input(sim, prompt, class_type, name, input_spec, value, visited, failed)
            {
                failed.push((node_id.to_owned(), error));
            }
        }
    }
}

fn input_error(kind: &str, message: &str, details: &str, extra_info: Value) -> Value {
    json!({"type": kind, "message": message, "details": details, "extra_info": extra_info})
}

#[allow(clippy::too_many_arguments)] // A recursive walk carrying the whole validation state.
fn check_input(
    sim: &Sim,
    prompt: &Map<String, Value>,
    class_type: &str,
    name: &str,
    input_spec: &Value,
    value: &Value,
    visited: &mut HashSet<String>,
    failed: &mut Vec<(String, Value)>,
) -> Option<Value> {
    let kind = &input_spec[0];
    if let Some((source, index)) = as_link(value) {
        let Some(source_node) = prompt.get(source) else {
            let extra = json!({"exception_type": "KeyError", "traceback": ["  File \"<comfy-sim>/validate.rs\", in check_input"]});
            return Some(input_error(
                "exception_during_validation",
                "Exception when validating node",
                &format!("'{source}'"),
                extra,
            ));
        };
        let source_class = source_node["class_type"].as_str().unwrap_or_default();
        let produced = sim.nodes.output_types(source_class);
        let matches = produced.get(index).is_some_and(|produced| {
            kind.as_str()
                .is_none_or(|wanted| wanted == "*" || produced == wanted)
        });
        if !matches {
            let details = format!(
                "{name}, received_type({}) mismatch input_type({})",
                produced.get(index).map_or("None", String::as_str),
                kind.as_str().unwrap_or("COMBO")
            );
            return Some(input_error(
                "return_type_mismatch",
                "Return type mismatch between linked nodes",
                &details,
                json!({"input_name": name, "input_config": input_spec, "received_type": produced.get(index), "linked_node": value}),
            ));
        }
        check_node(sim, prompt, source, visited, failed);
        return None;
    }
    let extra = |received: &Value| json!({"input_name": name, "input_config": input_spec, "received_value": received});
    if class_type == "LoadImage" && name == "image" {
        let file = value.as_str().unwrap_or_default();
        let exists = crate::paths::resolve_in(&sim.dirs.input, "", file).is_some_and(|path| path.is_file());
        return (!exists).then(|| {
            input_error(
                "custom_validation_failed",
                "Custom validation failed for node",
                &format!("image - Invalid image file: {file}"),
                json!({"input_name": name}),
            )
        });
    }
    match kind {
        Value::Array(choices) => (!choices.contains(value)).then(|| {
            let details = format!(
                "{name}: '{}' not in {}",
                value.as_str().map_or(value.to_string(), str::to_owned),
                Value::Array(choices.clone())
            );
            input_error("value_not_in_list", "Value not in list", &details, extra(value))
        }),
        Value::String(numeric) if numeric == "INT" || numeric == "FLOAT" => {
            let Some(number) = value_as_f64(value) else {
                let python = if numeric == "INT" {
                    "int() with base 10"
                } else {
                    "float()"
                };
                let exception = format!(
                    "invalid literal for {python}: '{}'",
                    value.as_str().map_or(value.to_string(), str::to_owned)
                );
                let mut info = extra(value);
                info["exception_message"] = json!(exception);
                let message = format!("Failed to convert an input value to a {numeric} value");
                return Some(input_error(
                    "invalid_input_type",
                    &message,
                    &format!("{name}, {}, {exception}", value.as_str().unwrap_or_default()),
                    info,
                ));
            };
            let shown = if numeric == "INT" {
                json!(number as i64)
            } else {
                json!(number)
            };
            if input_spec[1]["min"].as_f64().is_some_and(|min| number < min) {
                let message = format!("Value {shown} smaller than min of {}", input_spec[1]["min"]);
                return Some(input_error(
                    "value_smaller_than_min",
                    &message,
                    name,
                    extra(&shown),
                ));
            }
            if input_spec[1]["max"].as_f64().is_some_and(|max| number > max) {
                return Some(input_error(
                    "value_bigger_than_max",
                    &format!("Value {shown} bigger than max of {}", input_spec[1]["max"]),
                    name,
                    extra(&shown),
                ));
            }
            None
        }
        _ => None,
    }
}
