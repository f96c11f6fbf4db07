//! Prompt validation with ComfyUI 0.3.64's error types and texts (trace c_validation_error).

mod inputs;
mod values;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::graph::node_id_order;
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
        let failed = inputs::check_output(sim, prompt, output);
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
