//! The API-format workflow ComfyUI executes: `{node_id: {class_type, inputs, _meta?}}`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ordered::sort_stable_by;

/// An API-format workflow, exactly what goes into the `prompt` field of `POST /api/prompt`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiWorkflow {
    nodes: BTreeMap<String, ApiNode>,
}

/// One node of an API-format workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiNode {
    pub class_type: String,
    #[serde(default)]
    pub inputs: Map<String, Value>,
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<NodeMeta>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMeta {
    pub title: String,
}

/// What an input holds: a link to another node's output, or a literal value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputValue<'a> {
    Link { node: &'a str, output: u64 },
    Literal(&'a Value),
}

/// One link of the graph, seen from the input it feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    pub to_node: &'a str,
    pub to_input: &'a str,
    pub from_node: &'a str,
    pub from_output: u64,
}

impl ApiWorkflow {
    pub fn node(&self, id: &str) -> Option<&ApiNode> {
        self.nodes.get(id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut ApiNode> {
        self.nodes.get_mut(id)
    }

    pub fn insert(&mut self, id: String, node: ApiNode) {
        self.nodes.insert(id, node);
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Nodes in the order a person reads ids: `2` before `10`, `5:3` after `5`.
    pub fn nodes(&self) -> Vec<(&str, &ApiNode)> {
        let mut nodes: Vec<_> = self.nodes.iter().map(|(id, node)| (id.as_str(), node)).collect();
        sort_stable_by(&mut nodes, |(a, _), (b, _)| compare_node_ids(a, b));
        nodes
    }

    /// Every link between nodes, in node id order.
    pub fn links(&self) -> Vec<Link<'_>> {
        let mut links = Vec::new();
        for (id, node) in self.nodes() {
            for (input, value) in &node.inputs {
                if let InputValue::Link {
                    node: from_node,
                    output,
                } = InputValue::of(value)
                {
                    links.push(Link {
                        to_node: id,
                        to_input: input,
                        from_node,
                        from_output: output,
                    });
                }
            }
        }
        links
    }

    /// Pretty JSON, as ComfyUI's own "Export (API)" writes it.
    pub fn to_json_pretty(&self) -> String {
        // Serialising string-keyed maps of JSON values cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl ApiNode {
    pub fn new(class_type: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            class_type: class_type.into(),
            inputs: Map::new(),
            meta: Some(NodeMeta { title: title.into() }),
        }
    }

    /// The title the user gave the node in the editor, or its class when there is none.
    pub fn title(&self) -> &str {
        self.meta
            .as_ref()
            .map_or(self.class_type.as_str(), |meta| meta.title.as_str())
    }

    pub fn input(&self, name: &str) -> Option<InputValue<'_>> {
        self.inputs.get(name).map(InputValue::of)
    }

    /// The literal value of an input; `None` when it is missing or fed by a link.
    pub fn literal(&self, name: &str) -> Option<&Value> {
        match self.input(name)? {
            InputValue::Literal(value) => Some(value),
            InputValue::Link { .. } => None,
        }
    }

    pub fn link(&self, name: &str) -> Option<(&str, u64)> {
        match self.input(name)? {
            InputValue::Link { node, output } => Some((node, output)),
            InputValue::Literal(_) => None,
        }
    }
}

impl<'a> InputValue<'a> {
    /// ComfyUI's own rule: a two-element list of a string and an integer is a link.
    pub fn of(value: &'a Value) -> Self {
        if let Value::Array(pair) = value
            && let [Value::String(node), Value::Number(output)] = pair.as_slice()
            && let Some(output) = output.as_u64()
        {
            return Self::Link { node, output };
        }
        Self::Literal(value)
    }
}

/// Orders ids like `3`, `10`, `10:2`, `abc` numerically part by part, then by text.
pub fn compare_node_ids(a: &str, b: &str) -> Ordering {
    let key = |id: &str| -> Vec<(u64, String)> {
        id.split(':')
            .map(|part| (part.parse().unwrap_or(u64::MAX), part.to_owned()))
            .collect()
    };
    key(a).cmp(&key(b))
}
