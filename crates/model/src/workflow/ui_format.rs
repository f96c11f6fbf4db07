//! The editor (UI-format) workflow as ComfyUI's frontend saves it, read leniently: only
//! the fields conversion needs, every one optional except node ids and types.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::import_error::ImportError;

/// Node modes the editor stores; anything else runs normally.
pub const MODE_MUTED: i64 = 2;
pub const MODE_BYPASSED: i64 = 4;

/// The id litegraph gives the virtual input and output nodes inside a subgraph when
/// the definition does not name them.
const SUBGRAPH_INPUT_NODE_ID: &str = "-10";
const SUBGRAPH_OUTPUT_NODE_ID: &str = "-20";

/// A whole editor workflow: the root graph plus the subgraph definitions it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct UiGraph {
    pub root: UiGraphBody,
    /// Subgraph definitions by id; an instance node's `type` is one of these ids.
    pub subgraphs: BTreeMap<String, UiSubgraph>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct UiGraphBody {
    pub nodes: Vec<UiNode>,
    pub links: BTreeMap<String, UiLink>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiSubgraph {
    pub body: UiGraphBody,
    pub input_node_id: String,
    pub output_node_id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UiNode {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    #[serde(rename = "type")]
    pub class_type: String,
    #[serde(default)]
    pub mode: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inputs: Vec<UiInput>,
    #[serde(default)]
    pub widgets_values: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UiInput {
    pub name: String,
    #[serde(rename = "type", default, deserialize_with = "type_text")]
    pub slot_type: String,
    #[serde(default, deserialize_with = "optional_id_text")]
    pub link: Option<String>,
    /// Present when the input is a widget that can also take a link.
    #[serde(default)]
    pub widget: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiLink {
    pub origin_id: String,
    pub origin_slot: usize,
    pub target_id: String,
    pub target_slot: usize,
    pub slot_type: String,
}

impl UiGraph {
    pub fn from_value(document: &Value) -> Result<Self, ImportError> {
        let root = UiGraphBody::from_value(document)?;
        let mut subgraphs = BTreeMap::new();
        collect_subgraphs(document, &mut subgraphs)?;
        Ok(Self { root, subgraphs })
    }
}

impl UiGraphBody {
    fn from_value(graph: &Value) -> Result<Self, ImportError> {
        let nodes = match graph.get("nodes") {
            Some(nodes) => {
                Vec::<UiNode>::deserialize(nodes).map_err(|error| ImportError::MalformedUiWorkflow {
                    reason: error.to_string(),
                })?
            }
            None => Vec::new(),
        };
        let mut links = BTreeMap::new();
        let link_list = graph.get("links").and_then(Value::as_array).into_iter().flatten();
        // Editors that crashed mid-edit leave `null` holes in the list; they link nothing.
        for link in link_list.filter(|link| !link.is_null()) {
            let (id, parsed) = parse_link(link)?;
            links.insert(id, parsed);
        }
        Ok(Self { nodes, links })
    }
}

impl UiNode {
    pub fn is_muted(&self) -> bool {
        self.mode == MODE_MUTED
    }

    pub fn is_bypassed(&self) -> bool {
        self.mode == MODE_BYPASSED
    }
}

/// Subgraph definitions live in `definitions.subgraphs`, at the root and, in some
/// frontend versions, inside the definitions that nest others.
fn collect_subgraphs(graph: &Value, into: &mut BTreeMap<String, UiSubgraph>) -> Result<(), ImportError> {
    let definitions = graph.pointer("/definitions/subgraphs").and_then(Value::as_array);
    for definition in definitions.into_iter().flatten() {
        let Some(id) = definition.get("id").map(text_of) else {
            continue;
        };
        let io_node_id = |key: &str, fallback: &str| {
            definition
                .get(key)
                .and_then(|node| node.get("id"))
                .map_or(fallback.to_owned(), text_of)
        };
        let subgraph = UiSubgraph {
            body: UiGraphBody::from_value(definition)?,
            input_node_id: io_node_id("inputNode", SUBGRAPH_INPUT_NODE_ID),
            output_node_id: io_node_id("outputNode", SUBGRAPH_OUTPUT_NODE_ID),
        };
        into.insert(id, subgraph);
        collect_subgraphs(definition, into)?;
    }
    Ok(())
}

/// Links are `[id, origin_id, origin_slot, target_id, target_slot, type]` in the classic
/// format and `{id, origin_id, origin_slot, ...}` objects in schema version 1 and subgraphs.
fn parse_link(link: &Value) -> Result<(String, UiLink), ImportError> {
    let broken = |reason: &str| ImportError::BrokenUiLink {
        link: link
            .get("id")
            .or_else(|| link.get(0))
            .map_or_else(|| "?".to_owned(), text_of),
        reason: reason.to_owned(),
    };
    let field = |index: usize, key: &str| link.get(index).or_else(|| link.get(key));
    let id = field(0, "id")
        .map(text_of)
        .ok_or_else(|| broken("it has no id"))?;
    let origin_id = field(1, "origin_id")
        .map(text_of)
        .ok_or_else(|| broken("it has no source node"))?;
    let slot = |index: usize, key: &str| {
        field(index, key)
            .and_then(Value::as_u64)
            .and_then(|slot| usize::try_from(slot).ok())
    };
    let origin_slot = slot(2, "origin_slot").ok_or_else(|| broken("it has no source output"))?;
    let target_id = field(3, "target_id")
        .map(text_of)
        .ok_or_else(|| broken("it has no target node"))?;
    let target_slot = slot(4, "target_slot").ok_or_else(|| broken("it has no target input"))?;
    let slot_type = field(5, "type").map(type_name).unwrap_or_default();
    Ok((
        id,
        UiLink {
            origin_id,
            origin_slot,
            target_id,
            target_slot,
            slot_type,
        },
    ))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn type_name(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        // litegraph stores event slots as negative numbers and wildcards as 0.
        _ => "*".to_owned(),
    }
}

fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Value::deserialize(deserializer).map(|value| text_of(&value))
}

fn optional_id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?
        .filter(|value| !value.is_null())
        .map(|value| text_of(&value)))
}

fn type_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Value::deserialize(deserializer).map(|value| type_name(&value))
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
