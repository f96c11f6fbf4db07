//! Runs one prompt node by node and emits the WebSocket messages in the order of the traces:
//! `execution_start` → `execution_cached` → per node `progress_state`/`executing`/steps/`executed`
//! → `execution_success` | `execution_error` | `execution_interrupted`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use crate::cache::NodeCache;
use crate::messages::{self, timestamp_ms};
use crate::nodes::{self, Inputs, NodeError, NodeOutput};
use crate::progress::{Preview, ProgressTracker, cached_output_state};
use crate::queue::QueueItem;
use crate::state::{RunningNode, Sim};

/// How a prompt ended, with the messages its history entry keeps.
pub struct Outcome {
    pub succeeded: bool,
    pub messages: Vec<Value>,
    pub outputs: Map<String, Value>,
    pub meta: Map<String, Value>,
}

/// What a running node may do besides computing: report progress and send previews.
pub struct NodeContext<'a> {
    pub sim: &'a Sim,
    pub prompt_id: &'a str,
    pub client_id: Option<&'a str>,
    pub node_id: &'a str,
    pub inputs: Inputs,
    tracker: &'a mut ProgressTracker,
}

impl NodeContext<'_> {
    /// One step of progress: `progress_state`, then `progress` with its preview, if any.
    pub async fn progress(
        &mut self,
        value: u64,
        max: u64,
        preview: Option<Preview>,
    ) -> Result<(), NodeError> {
        if self.sim.interrupt_requested.load(Ordering::SeqCst) {
            return Err(NodeError::Interrupted);
        }
        self.tracker.step(self.prompt_id, self.node_id, value, max);
        let Some(client_id) = self.client_id else {
            return Ok(());
        };
        let hub = &self.sim.hub;
        hub.send_to_client(
            client_id,
            &messages::event("progress_state", self.tracker.to_json(self.prompt_id)),
        );
        let progress = messages::event(
            "progress",
            json!({"value": value, "max": max, "prompt_id": self.prompt_id, "node": self.node_id}),
        );
        match preview {
            Some(preview) => hub.send_progress_with_preview(
                client_id,
                &progress,
                &preview.frames(self.prompt_id, self.node_id),
            ),
            None => hub.send_to_client(client_id, &progress),
        }
        Ok(())
    }

    /// Sleeps for one simulated step, returning early with an error if the prompt is interrupted.
    pub async fn sleep_ms(&self, duration_ms: u64) -> Result<(), NodeError> {
        tokio::time::sleep(std::time::Duration::from_millis(duration_ms)).await;
        if self.sim.interrupt_requested.load(Ordering::SeqCst) {
            return Err(NodeError::Interrupted);
        }
        Ok(())
    }
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
}

pub async fn execute(sim: &Sim, item: &QueueItem, cache: &mut NodeCache) -> Outcome {
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
    let order = crate::graph::execution_order(&item.prompt, &item.outputs_to_execute);
    let signatures = crate::graph::signatures(&item.prompt, &order, &sim.dirs.input);
    let cached: Vec<&String> = order
        .iter()
        .filter(|node| cache.hit(node, signatures[*node]).is_some())
        .collect();
    run.emit_recorded(
        "execution_cached",
        json!({"nodes": cached, "prompt_id": prompt_id, "timestamp": timestamp_ms()}),
    );
    let mut tracker = ProgressTracker::default();
    let mut values: HashMap<String, NodeOutput> = HashMap::new();
    let (mut outputs, mut meta) = (Map::new(), Map::new());
    let mut executed: Vec<String> = Vec::new();
    for node_id in &order {
        let node = &item.prompt[node_id.as_str()];
        let class_type = node["class_type"].as_str().unwrap_or_default();
        let output = match cache.hit(node_id, signatures[node_id]) {
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
                    return Outcome {
                        succeeded: false,
                        messages: run.history_messages,
                        outputs,
                        meta,
                    };
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
    Outcome {
        succeeded: true,
        messages: run.history_messages,
        outputs,
        meta,
    }
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

fn report_failure(
    run: &mut Run<'_>,
    node_id: &str,
    class_type: &str,
    node: &Value,
    executed: &[String],
    error: NodeError,
) {
    let prompt_id = run.item.prompt_id.clone();
    match error {
        NodeError::Interrupted => run.emit_recorded(
            "execution_interrupted",
            json!({"prompt_id": prompt_id, "node_id": node_id, "node_type": class_type,
                   "executed": executed, "timestamp": timestamp_ms()}),
        ),
        NodeError::Failed {
            exception_type,
            message,
        } => run.emit_recorded(
            "execution_error",
            json!({
                "prompt_id": prompt_id, "node_id": node_id, "node_type": class_type, "executed": executed,
                // ComfyUI appends a newline to the message (trace b_execution_error).
                "exception_message": format!("{message}\n"),
                "exception_type": exception_type,
                "traceback": [format!("  File \"<comfy-sim>/nodes.rs\", in {class_type}")],
                "current_inputs": current_inputs(node),
                "current_outputs": {},
                "timestamp": timestamp_ms(),
            }),
        ),
    }
}

/// The failing node's inputs as ComfyUI reports them: each value wrapped in a list, links as text.
fn current_inputs(node: &Value) -> Value {
    let inputs = node["inputs"].as_object().cloned().unwrap_or_default();
    Value::Object(
        inputs
            .into_iter()
            .map(|(name, value)| {
                let shown = if crate::graph::as_link(&value).is_some() {
                    json!("<linked value>")
                } else {
                    value
                };
                (name, json!([shown]))
            })
            .collect(),
    )
}

fn executed_data(node_id: &str, ui: &Value, prompt_id: &str) -> Value {
    json!({"node": node_id, "display_node": node_id, "output": ui, "prompt_id": prompt_id})
}
