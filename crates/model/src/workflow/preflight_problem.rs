//! One thing preflight found wrong, said as a sentence naming the node, with the fix.

use std::fmt;

use serde::Serialize;

use super::api::ApiWorkflow;

/// How many combo choices a fix lists before saying "and N more".
const LISTED_CHOICES_MAX: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    UnknownClass,
    MissingRequiredInput,
    LinkToMissingNode,
    BadOutputIndex,
    WrongValueType,
    BelowMinimum,
    AboveMaximum,
    NotInList,
    MappedNodeMissing,
    MappedInputUnknown,
    MappedInputWrongType,
    MappedInputIsLinked,
    KeyframeNotLoadImage,
    NoOutputNode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The node at fault; `None` for problems of the whole workflow.
    pub node: Option<String>,
    pub title: Option<String>,
    pub sentence: String,
    pub fix: String,
}

impl Problem {
    pub fn of_node(
        workflow: &ApiWorkflow,
        node: &str,
        kind: ProblemKind,
        sentence: String,
        fix: String,
    ) -> Self {
        let title = workflow.node(node).map(|found| found.title().to_owned());
        Self {
            kind,
            node: Some(node.to_owned()),
            title,
            sentence,
            fix,
        }
    }

    pub fn of_workflow(kind: ProblemKind, sentence: String, fix: String) -> Self {
        Self {
            kind,
            node: None,
            title: None,
            sentence,
            fix,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.node, &self.title) {
            (Some(node), Some(title)) => write!(formatter, "Node {node} ({title}): ")?,
            (Some(node), None) => write!(formatter, "Node {node}: ")?,
            _ => {}
        }
        write!(formatter, "{} Fix: {}", self.sentence, self.fix)
    }
}

/// "Pick one of: a, b, c." or, for an empty list, where the files go.
pub fn choices_fix(input: &str, choices: &[serde_json::Value]) -> String {
    if choices.is_empty() {
        return format!(
            "This server offers no choices for {input}: put the file in the matching ComfyUI models \
             folder, restart or refresh ComfyUI, then run preflight again."
        );
    }
    let listed: Vec<String> = choices
        .iter()
        .take(LISTED_CHOICES_MAX)
        .map(display_value)
        .collect();
    let more = choices.len().saturating_sub(LISTED_CHOICES_MAX);
    let tail = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    format!("Pick one this server has: {}{tail}.", listed.join(", "))
}

/// A value as a user reads it: strings without JSON quotes.
pub fn display_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
