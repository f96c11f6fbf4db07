//! The walk from one output node through everything it links to, collecting each failing
//! node's errors the way ComfyUI's `validate_inputs` attributes them (trace c_validation_error).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::values::{check_literal, input_error};
use crate::graph::as_link;
use crate::state::Sim;

/// Validation state of one output: nodes already checked and the errors found so far.
struct Walk<'a> {
    sim: &'a Sim,
    prompt: &'a Map<String, Value>,
    visited: HashSet<String>,
    failed: Vec<(String, Value)>,
}

/// Every `(node_id, error)` found under `output`; empty when the output can run.
pub fn check_output(sim: &Sim, prompt: &Map<String, Value>, output: &str) -> Vec<(String, Value)> {
    let mut walk = Walk {
        sim,
        prompt,
        visited: HashSet::new(),
        failed: Vec::new(),
    };
    walk.check_node(output);
    walk.failed
}

impl Walk<'_> {
    /// Validates `node_id` and everything it links to; errors are attributed to the failing node.
    fn check_node(&mut self, node_id: &str) {
        if !self.visited.insert(node_id.to_owned()) {
            return;
        }
        let node = &self.prompt[node_id];
        let class_type = node["class_type"].as_str().unwrap_or_default();
        let Some(spec) = self.sim.nodes.spec(class_type, &self.sim.dirs.input) else {
            return;
        };
        let inputs = node["inputs"].as_object().cloned().unwrap_or_default();
        for (section, required) in [("required", true), ("optional", false)] {
            let Some(specs) = spec["input"][section].as_object() else {
                continue;
            };
            for (name, input_spec) in specs {
                let error = match inputs.get(name) {
                    None if required => Some(input_error(
                        "required_input_missing",
                        "Required input is missing",
                        name,
                        json!({"input_name": name}),
                    )),
                    None => None,
                    Some(value) if as_link(value).is_some() => self.check_link(name, input_spec, value),
                    Some(value) => check_literal(self.sim, class_type, name, input_spec, value),
                };
                if let Some(error) = error {
                    self.failed.push((node_id.to_owned(), error));
                }
            }
        }
    }

    /// A link must name an existing node whose output at that index has the input's type;
    /// then the linked node is validated in turn.
    fn check_link(&mut self, name: &str, input_spec: &Value, value: &Value) -> Option<Value> {
        let (source, index) = as_link(value)?;
        let Some(source_node) = self.prompt.get(source) else {
            // ComfyUI looks the node up in a dict and reports the KeyError (trace c).
            let extra = json!({"exception_type": "KeyError", "traceback": ["  File \"<comfy-sim>/validate/inputs.rs\", in check_link"]});
            return Some(input_error(
                "exception_during_validation",
                "Exception when validating node",
                &format!("'{source}'"),
                extra,
            ));
        };
        let kind = &input_spec[0];
        let source_class = source_node["class_type"].as_str().unwrap_or_default();
        let produced = self.sim.nodes.output_types(source_class);
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
        self.check_node(source);
        None
    }
}
