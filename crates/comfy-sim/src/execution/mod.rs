//! Runs one prompt node by node and emits the WebSocket messages in the order of the traces:
//! `execution_start` → `execution_cached` → per node `progress_state`/`executing`/steps/`executed`
//! → `execution_success` | `execution_error` | `execution_interrupted`.

mod context;
mod order;
mod report;

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

pub use context::NodeContext;

use crate::cache::NodeCache;
use crate::graph::node_id_order;
use crate::messages::{self, timestamp_ms};
use crate::nodes::{self, NodeError, NodeOutput};
use crate::progress::{ProgressTracker, cached_output_state};
use crate::queue::QueueItem;
use crate::state::{RunningNode, Sim};
use report::{executed_data, report_failure};

/// How a prompt ended, with the messages its history entry keeps.
pub struct Outcome {
    pub succeeded: bool,
    pub messages: Vec<Value>,
    pub outputs: Map<String, Value>,
    pub meta: Map<String, Value>,
}

struct Run<'a> {
    sim: &'a Sim,
    item: &'a QueueItem,
    client_id: Option<&'a str>,
    history_messages: Vec<Value>,
}

impl Run<'_> {
    /// Sends a message to the prompt's client and keeps it for the history entry.
    fn emit_recorded(&mut self, kind: &str, data: Value) {
        self.emit(kind, data.clone());
        self.history_messages.push(json!([kind, data]));
    }

    fn emit(&self, kind: &str, data: Value) {
        if let Some(client_id) = self.client_id {
            self.sim
                .hub
                .send_to_client(client_id, &messages::event(kind, data));
        }
    }

    fn outcome(self, succeeded: bool, outputs: Map<String, Value>, meta: Map<String, Value>) -> Outcome {
        Outcome {
            succeeded,
            messages: self.history_messages,
            outputs,
            meta,
        }
    }
}

pub async fn execute(sim: &Sim, item: &QueueItem, cache: &mut NodeCache) -> Outcome {
    let prompt = &item.prompt;
    let prompt_id = item.prompt_id.as_str();
    let mut run = Run {
        sim,
        item,
        client_id: item.client_id(),
        history_messages: Vec::new(),
    };
    run.emit_recorded(
        "execution_start",
        json!({"prompt_id": prompt_id, "timestamp": timestamp_ms()}),
    );
    let needed = crate::graph::dependencies_first(prompt, &item.outputs_to_execute);
    let signatures = crate::graph::signatures(prompt, &needed, &sim.dirs.input);
    // Cached outputs feed the nodes that still run; ComfyUI reads them from its cache too.
    let mut values: HashMap<String, NodeOutput> = needed
        .iter()
        .filter_map(|node| Some((node.clone(), cache.hit(node, signatures[node])?.clone())))
        .collect();
    let mut cached: Vec<&String> = values.keys().collect();
    cached.sort_by(|a, b| node_id_order(a, b));
    run.emit_recorded(
        "execution_cached",
        json!({"nodes": cached, "prompt_id": prompt_id, "timestamp": timestamp_ms()}),
    );
    let is_output = |node: &str| {
        let class_type = prompt[node]["class_type"].as_str().unwrap_or_default();
        sim.nodes.is_output_node(class_type)
    };
    let is_cached = |node: &str| values.contains_key(node);
    let order = order::execution_order(prompt, &item.outputs_to_execute, &is_output, &is_cached);
    let mut tracker = ProgressTracker::default();
    let (mut outputs, mut meta) = (Map::new(), Map::new());
    let mut executed: Vec<String> = Vec::new();
    for node_id in &order {
        let node = &prompt[node_id.as_str()];
        let class_type = node["class_type"].as_str().unwrap_or_default();
        let output = match values.get(node_id) {
            Some(output) => {
                if let Some(ui) = &output.ui {
                    run.emit("executed", executed_data(node_id, ui, prompt_id));
                    run.emit("progress_state", cached_output_state(prompt_id, node_id));
                }
                output.clone()
            }
            None => match run_node(&run, node_id, class_type, node, &values, &mut tracker).await {
                Ok(output) => {
                    if let Some(ui) = &output.ui {
                        run.emit("executed", executed_data(node_id, ui, prompt_id));
                    }
                    tracker.finish(prompt_id, node_id);
                    run.emit("progress_state", tracker.to_json(prompt_id));
                    cache.store(node_id, signatures[node_id], output.clone());
                    output
                }
                Err(error) => {
                    report_failure(&mut run, node_id, class_type, node, &executed, error);
                    return run.outcome(false, outputs, meta);
                }
            },
        };
        if let Some(ui) = &output.ui {
            outputs.insert(node_id.clone(), ui.clone());
            meta.insert(
                node_id.clone(),
                json!({"node_id": node_id, "display_node": node_id, "parent_node": null, "real_node_id": node_id}),
            );
        }
        values.insert(node_id.clone(), output);
        executed.push(node_id.clone());
    }
    run.emit_recorded(
        "execution_success",
        json!({"prompt_id": prompt_id, "timestamp": timestamp_ms()}),
    );
    run.outcome(true, outputs, meta)
}

async fn run_node(
    run: &Run<'_>,
    node_id: &str,
    class_type: &str,
    node: &Value,
    values: &HashMap<String, NodeOutput>,
    tracker: &mut ProgressTracker,
) -> Result<NodeOutput, NodeError> {
    let prompt_id = run.item.prompt_id.as_str();
    tracker.start(prompt_id, node_id);
    run.emit("progress_state", tracker.to_json(prompt_id));
    run.sim.set_running_node(Some(RunningNode {
        client_id: run.client_id.map(str::to_owned),
        node_id: node_id.to_owned(),
    }));
    run.emit(
        "executing",
        json!({"node": node_id, "display_node": node_id, "prompt_id": prompt_id}),
    );
    if run.sim.interrupt_requested.load(Ordering::SeqCst) {
        return Err(NodeError::Interrupted);
    }
    if run.sim.faults().fail_class.as_deref() == Some(class_type) {
        return Err(NodeError::runtime(format!(
            "comfy-sim fault: fail_class {class_type}"
        )));
    }
    let inputs = crate::graph::resolve_inputs(node, values);
    let mut context = NodeContext {
        sim: run.sim,
        prompt_id,
        client_id: run.client_id,
        node_id,
        inputs,
        tracker,
    };
    nodes::run(class_type, &mut context).await
}
