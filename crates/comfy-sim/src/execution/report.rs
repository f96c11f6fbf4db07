//! The payloads of `executed`, `execution_error` and `execution_interrupted`.

use serde_json::{Value, json};

use super::Run;
use crate::messages::timestamp_ms;
use crate::nodes::NodeError;

/// Reports a node that did not finish as the terminal event of its prompt.
pub(super) fn report_failure(
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
                // execution.py: the cache's node ids, i.e. every node of the prompt (trace b).
                "current_outputs": run.item.prompt.keys().collect::<Vec<_>>(),
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

pub(super) fn executed_data(node_id: &str, ui: &Value, prompt_id: &str) -> Value {
    json!({"node": node_id, "display_node": node_id, "output": ui, "prompt_id": prompt_id})
}
