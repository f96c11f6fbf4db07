//! The prompt as a graph: links, dependencies, cache signatures and input resolution.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use serde_json::{Map, Value};

use crate::nodes::{Inputs, NodeOutput};

/// `[source_node_id, output_index]` when `value` is a link.
pub fn as_link(value: &Value) -> Option<(&str, usize)> {
    match value.as_array()?.as_slice() {
        [Value::String(source), Value::Number(index)] => {
            Some((source, usize::try_from(index.as_u64()?).ok()?))
        }
        _ => None,
    }
}

/// Node ids compare numerically when they are numbers, as ComfyUI's UI assigns them.
pub fn node_id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

/// Every node the outputs need, each after its dependencies; the order signatures are built in.
pub fn dependencies_first(prompt: &Map<String, Value>, outputs: &[String]) -> Vec<String> {
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    for output in outputs {
        visit(prompt, output, &mut seen, &mut order);
    }
    order
}

fn visit(prompt: &Map<String, Value>, node_id: &str, seen: &mut HashSet<String>, order: &mut Vec<String>) {
    if !seen.insert(node_id.to_owned()) {
        return;
    }
    if let Some(inputs) = prompt.get(node_id).and_then(|node| node["inputs"].as_object()) {
        for value in inputs.values() {
            if let Some((source, _)) = as_link(value)
                && prompt.contains_key(source)
            {
                visit(prompt, source, seen, order);
            }
        }
    }
    order.push(node_id.to_owned());
}

/// A hash of each node's class, literal inputs and upstream signatures: equal signatures
/// mean an unchanged node that ComfyUI's cache would reuse. LoadImage also hashes its
/// file's size and modification time, as its IS_CHANGED does with the file's contents.
pub fn signatures(prompt: &Map<String, Value>, order: &[String], input_dir: &Path) -> HashMap<String, u64> {
    let mut signatures: HashMap<String, u64> = HashMap::new();
    for node_id in order {
        let node = &prompt[node_id.as_str()];
        let mut hasher = DefaultHasher::new();
        node["class_type"].as_str().hash(&mut hasher);
        if let Some(inputs) = node["inputs"].as_object() {
            let mut names: Vec<&String> = inputs.keys().collect();
            names.sort();
            for name in names {
                name.hash(&mut hasher);
                match as_link(&inputs[name]) {
                    Some((source, index)) => {
                        signatures
                            .get(source)
                            .copied()
                            .unwrap_or_default()
                            .hash(&mut hasher);
                        index.hash(&mut hasher);
                    }
                    None => inputs[name].to_string().hash(&mut hasher),
                }
            }
        }
        if node["class_type"] == "LoadImage"
            && let Some(name) = node["inputs"]["image"].as_str()
            && let Ok(metadata) = std::fs::metadata(input_dir.join(name))
        {
            metadata.len().hash(&mut hasher);
            metadata.modified().ok().hash(&mut hasher);
        }
        signatures.insert(node_id.clone(), hasher.finish());
    }
    signatures
}

/// Splits a node's inputs into literals and the values its links point at.
pub fn resolve_inputs(node: &Value, values: &HashMap<String, NodeOutput>) -> Inputs {
    let mut literals = Map::new();
    let mut linked = HashMap::new();
    for (name, value) in node["inputs"].as_object().into_iter().flatten() {
        match as_link(value) {
            Some((source, index)) => {
                if let Some(linked_value) = values.get(source).and_then(|output| output.values.get(index)) {
                    linked.insert(name.clone(), linked_value.clone());
                }
            }
            None => {
                literals.insert(name.clone(), value.clone());
            }
        }
    }
    Inputs { literals, linked }
}
