//! Which node runs next, by the rule ComfyUI's `ExecutionList` follows: the graph is
//! dissolved from the outputs, and among the nodes whose inputs are ready an output node goes
//! first, then a node feeding an output, then one two links away, else the oldest pending
//! node. That is why trace h_animated runs 1,2,7,3,6,4,5 and not in id order.

use std::collections::{HashMap, HashSet};

use indexmap::IndexSet;
use serde_json::{Map, Value};

use crate::graph::as_link;

/// Nodes still to run, in the order they were discovered, and who waits for whom.
#[derive(Default)]
struct Pending {
    nodes: IndexSet<String>,
    /// How many pending nodes each node still waits for.
    waiting_for: HashMap<String, usize>,
    /// The pending nodes each node unblocks when it has run.
    unblocks: HashMap<String, HashSet<String>>,
}

impl Pending {
    /// Adds `root` and, depth first, everything it needs; cached nodes are neither walked
    /// into nor waited for, since ComfyUI reuses their stored outputs.
    fn add(&mut self, prompt: &Map<String, Value>, root: &str, is_cached: &dyn Fn(&str) -> bool) {
        let mut stack = vec![root.to_owned()];
        let mut links = Vec::new();
        while let Some(node_id) = stack.pop() {
            if !self.nodes.insert(node_id.clone()) {
                continue;
            }
            self.waiting_for.insert(node_id.clone(), 0);
            self.unblocks.insert(node_id.clone(), HashSet::new());
            if is_cached(&node_id) {
                continue;
            }
            let inputs = prompt.get(&node_id).and_then(|node| node["inputs"].as_object());
            for value in inputs.into_iter().flat_map(Map::values) {
                if let Some((source, _)) = as_link(value)
                    && prompt.contains_key(source)
                    && !is_cached(source)
                {
                    stack.push(source.to_owned());
                    links.push((source.to_owned(), node_id.clone()));
                }
            }
        }
        for (source, target) in links {
            let is_new = self
                .unblocks
                .get_mut(&source)
                .is_some_and(|targets| targets.insert(target.clone()));
            if is_new && let Some(count) = self.waiting_for.get_mut(&target) {
                *count += 1;
            }
        }
    }

    fn pick(&self, is_output: &dyn Fn(&str) -> bool) -> Option<String> {
        let ready: Vec<&String> = self
            .nodes
            .iter()
            .filter(|node| self.waiting_for.get(*node) == Some(&0))
            .collect();
        let feeds_output = |node: &str| {
            self.unblocks
                .get(node)
                .into_iter()
                .flatten()
                .any(|next| is_output(next))
        };
        let feeds_output_in_two = |node: &str| {
            self.unblocks
                .get(node)
                .into_iter()
                .flatten()
                .any(|next| feeds_output(next))
        };
        ready
            .iter()
            .find(|node| is_output(node))
            .or_else(|| ready.iter().find(|node| feeds_output(node)))
            .or_else(|| ready.iter().find(|node| feeds_output_in_two(node)))
            .or_else(|| ready.first())
            .map(|node| (*node).clone())
    }

    fn remove(&mut self, node_id: &str) {
        self.nodes.shift_remove(node_id);
        for target in self.unblocks.remove(node_id).into_iter().flatten() {
            if let Some(count) = self.waiting_for.get_mut(&target) {
                *count = count.saturating_sub(1);
            }
        }
    }
}

/// The order the nodes of `outputs` run in. A dependency cycle (which validation does not
/// catch) ends the order early; the nodes left out never run.
pub fn execution_order(
    prompt: &Map<String, Value>,
    outputs: &[String],
    is_output: &dyn Fn(&str) -> bool,
    is_cached: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut pending = Pending::default();
    for output in outputs {
        pending.add(prompt, output, is_cached);
    }
    let mut order = Vec::new();
    while let Some(next) = pending.pick(is_output) {
        pending.remove(&next);
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trace_h_prompt() -> Map<String, Value> {
        let prompt = json!({
            "1": {"class_type": "EmptyImage", "inputs": {"width": 64}},
            "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0]}},
            "3": {"class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0]}},
            "4": {"class_type": "CreateVideo", "inputs": {"images": ["1", 0]}},
            "5": {"class_type": "SaveVideo", "inputs": {"video": ["4", 0]}},
            "6": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}},
            "7": {"class_type": "SaveImage", "inputs": {"images": ["1", 0]}},
        });
        prompt.as_object().cloned().unwrap_or_default()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn outputs_in_the_recorded_order_reproduce_trace_h_execution_order() {
        // Trace h's history shows outputs_to_execute as [5, 2, 7, 3, 6].
        let is_output = |node: &str| ["2", "3", "5", "6", "7"].contains(&node);
        let order = execution_order(
            &trace_h_prompt(),
            &ids(&["5", "2", "7", "3", "6"]),
            &is_output,
            &|_| false,
        );
        assert_eq!(order, ids(&["1", "2", "7", "3", "6", "4", "5"]));
    }

    #[test]
    fn cached_dependencies_are_skipped_but_a_cached_output_still_takes_its_turn() {
        let is_output = |node: &str| node == "7";
        let is_cached = |node: &str| node == "1" || node == "7";
        let order = execution_order(&trace_h_prompt(), &ids(&["7"]), &is_output, &is_cached);
        assert_eq!(order, ids(&["7"]));
    }

    #[test]
    fn a_node_feeding_an_output_runs_before_an_older_ready_node_further_away() {
        // Node 1 is discovered first but is two links from the output; node 5 feeds it directly.
        let prompt = json!({
            "1": {"class_type": "EmptyImage", "inputs": {}},
            "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0]}},
            "4": {"class_type": "SaveImage", "inputs": {"a": ["5", 0], "b": ["2", 0]}},
            "5": {"class_type": "EmptyImage", "inputs": {}},
        });
        let prompt = prompt.as_object().cloned().unwrap_or_default();
        let order = execution_order(&prompt, &ids(&["4"]), &|node: &str| node == "4", &|_| false);
        assert_eq!(order, ids(&["5", "1", "2", "4"]));
    }
}
