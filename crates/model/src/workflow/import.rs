//! Reading a workflow file: API format as is, editor (UI) format through conversion.

use serde_json::Value;

use super::api::{ApiNode, ApiWorkflow};
use super::graph_checks::{dangling_link, find_cycle, has_output_node};
use super::import_error::ImportError;
use super::object_info::ObjectInfo;
use super::ui_convert::convert_ui_workflow;
use super::ui_format::UiGraph;

/// Largest workflow file accepted. Real workflows are well under 1 MB even with many
/// notes; anything this big is almost surely a wrong file or has images embedded, and
/// parsing it would freeze the browser tab.
pub const MAX_WORKFLOW_BYTES: usize = 16 * 1024 * 1024;

/// Which of ComfyUI's two workflow formats a JSON document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowFormat {
    /// `{node_id: {class_type, inputs}}`: what ComfyUI executes.
    Api,
    /// `{nodes: [...], links: [...]}`: what the editor saves.
    Ui,
}

/// Reads a workflow from a file, a paste or the bundled library.
///
/// An editor-format workflow is converted when the server's node list is given;
/// without it the error explains how to export the API format from ComfyUI.
pub fn import_workflow(text: &str, object_info: Option<&ObjectInfo>) -> Result<ApiWorkflow, ImportError> {
    if text.len() > MAX_WORKFLOW_BYTES {
        return Err(ImportError::TooLarge {
            size_mb: text.len().div_ceil(1024 * 1024),
        });
    }
    let document: Value = serde_json::from_str(text).map_err(|error| ImportError::NotJson {
        line: error.line(),
        column: error.column(),
    })?;
    let workflow = match detect_format(&document)? {
        WorkflowFormat::Api => parse_api_workflow(&document)?,
        WorkflowFormat::Ui => {
            let info = object_info.ok_or(ImportError::UiFormatNeedsServer)?;
            let graph = UiGraph::from_value(&document)?;
            convert_ui_workflow(&graph, info)?
        }
    };
    check_structure(&workflow, object_info)?;
    Ok(workflow)
}

pub fn detect_format(document: &Value) -> Result<WorkflowFormat, ImportError> {
    let object = document.as_object().ok_or(ImportError::NotAnObject)?;
    if object.get("nodes").is_some_and(Value::is_array) {
        return Ok(WorkflowFormat::Ui);
    }
    if object.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(WorkflowFormat::Api)
}

fn parse_api_workflow(document: &Value) -> Result<ApiWorkflow, ImportError> {
    let object = document.as_object().ok_or(ImportError::NotAnObject)?;
    let mut workflow = ApiWorkflow::default();
    for (id, node) in object {
        let malformed = || ImportError::MalformedNode { node: id.clone() };
        let node: ApiNode = serde_json::from_value(node.clone()).map_err(|_| malformed())?;
        workflow.insert(id.clone(), node);
    }
    Ok(workflow)
}

/// The checks every imported workflow passes, whichever format it came in.
fn check_structure(workflow: &ApiWorkflow, object_info: Option<&ObjectInfo>) -> Result<(), ImportError> {
    if workflow.is_empty() {
        return Err(ImportError::Empty);
    }
    if let Some(link) = dangling_link(workflow) {
        let title = workflow
            .node(link.to_node)
            .map(ApiNode::title)
            .unwrap_or_default();
        return Err(ImportError::LinkToMissingNode {
            node: link.to_node.to_owned(),
            title: title.to_owned(),
            input: link.to_input.to_owned(),
            missing: link.from_node.to_owned(),
        });
    }
    if let Some(nodes) = find_cycle(workflow) {
        return Err(ImportError::Cycle { nodes });
    }
    if !has_output_node(workflow, object_info) {
        return Err(ImportError::NoOutputNode);
    }
    Ok(())
}
