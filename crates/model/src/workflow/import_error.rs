//! Why a workflow file could not be imported, one sentence per case.

use super::import::MAX_WORKFLOW_BYTES;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error(
        "This workflow is {size_mb} MB; Shotline reads workflows up to {} MB. Export the \
         workflow again without embedded images or notes.",
        MAX_WORKFLOW_BYTES / (1024 * 1024)
    )]
    TooLarge { size_mb: usize },
    #[error("This file is not JSON (line {line}, column {column}): export the workflow from ComfyUI again.")]
    NotJson { line: usize, column: usize },
    #[error("This JSON is not a ComfyUI workflow: a workflow is an object of nodes.")]
    NotAnObject,
    #[error("This workflow is empty: it has no nodes.")]
    Empty,
    #[error(
        "This is an editor (UI-format) workflow, not the API format ComfyUI runs. Connect a \
         ComfyUI server so Shotline can convert it, or in ComfyUI use Workflow → Export (API) \
         (older versions: enable the dev mode option in the settings and click \"Save (API \
         Format)\") and import that file."
    )]
    UiFormatNeedsServer,
    #[error("Node {node} is not a ComfyUI node: it needs a \"class_type\" and an \"inputs\" object.")]
    MalformedNode { node: String },
    #[error("This editor workflow is damaged ({reason}): save it again from ComfyUI.")]
    MalformedUiWorkflow { reason: String },
    #[error("Link {link} of the editor workflow is broken: {reason}.")]
    BrokenUiLink { link: String, reason: String },
    #[error(
        "Node {node} ({title}) is of type \"{class_type}\", which this server does not know: install \
         the custom node pack that provides it, or remove the node."
    )]
    UnknownClass {
        node: String,
        title: String,
        class_type: String,
    },
    #[error(
        "Input \"{input}\" of node {node} ({title}) is linked to node {missing}, which is not in \
         the workflow."
    )]
    LinkToMissingNode {
        node: String,
        title: String,
        input: String,
        missing: String,
    },
    #[error("Nodes {} feed each other in a loop; ComfyUI cannot run a loop.", .nodes.join(" → "))]
    Cycle { nodes: Vec<String> },
    #[error(
        "This workflow has no output node (such as Save Image or Save Video), so ComfyUI would \
         run nothing. Add one and export again."
    )]
    NoOutputNode,
}
