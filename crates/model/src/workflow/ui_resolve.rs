//! Where an editor link really comes from once the editor-only parts are gone: through
//! reroutes, bypassed nodes and subgraph boundaries, to a node output or a literal.

use std::collections::BTreeMap;

use serde_json::Value;

use super::import_error::ImportError;
use super::ui_format::{UiGraph, UiGraphBody, UiNode, UiSubgraph};
use crate::ordered::ordered_map;

/// Longest chain of reroutes, bypasses and subgraph boundaries followed for one link;
/// only a loop of reroutes or a subgraph that contains itself gets anywhere near it.
const MAX_LINK_HOPS: usize = 256;

pub const REROUTE_CLASS: &str = "Reroute";
pub const PRIMITIVE_CLASS: &str = "PrimitiveNode";

/// What feeds an input after conversion.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// An output of an API node, by its flattened id.
    Output { node: String, slot: usize },
    /// A value copied from a primitive node or a promoted subgraph widget.
    Literal(Value),
    /// Nothing: the source is muted or unconnected, so the input keeps its widget value.
    Nothing,
}

/// One graph level: the root, or the inside of one subgraph instance.
pub struct Scope<'a> {
    pub body: &'a UiGraphBody,
    /// Prepended to node ids: `""` at the root, `"12:"` inside instance 12.
    pub prefix: String,
    nodes: BTreeMap<&'a str, &'a UiNode>,
    /// The subgraph this scope is the inside of, with its instance node and outer scope.
    enclosing: Option<(&'a UiSubgraph, &'a UiNode, &'a Scope<'a>)>,
}

impl<'a> Scope<'a> {
    pub fn root(body: &'a UiGraphBody) -> Self {
        Self::new(body, String::new(), None)
    }

    fn new(
        body: &'a UiGraphBody,
        prefix: String,
        enclosing: Option<(&'a UiSubgraph, &'a UiNode, &'a Scope<'a>)>,
    ) -> Self {
        let nodes = ordered_map(body.nodes.iter().map(|node| (node.id.as_str(), node)));
        Self {
            body,
            prefix,
            nodes,
            enclosing,
        }
    }

    /// The inside of `instance`, one of this scope's nodes.
    pub fn enter(&'a self, subgraph: &'a UiSubgraph, instance: &'a UiNode) -> Result<Scope<'a>, ImportError> {
        let prefix = format!("{}{}:", self.prefix, instance.id);
        if prefix.matches(':').count() > MAX_LINK_HOPS {
            return Err(ImportError::Cycle {
                nodes: vec![instance.class_type.clone()],
            });
        }
        Ok(Self::new(
            &subgraph.body,
            prefix,
            Some((subgraph, instance, self)),
        ))
    }

    pub fn has_links_from(&self, node_id: &str) -> bool {
        self.body.links.values().any(|link| link.origin_id == node_id)
    }
}

/// Follows links through everything the API format has no node for.
pub struct Resolver<'a> {
    pub graph: &'a UiGraph,
}

impl Resolver<'_> {
    pub fn resolve_link(&self, scope: &Scope, link_id: &str, hops: usize) -> Result<Source, ImportError> {
        let broken = |reason: String| ImportError::BrokenUiLink {
            link: link_id.to_owned(),
            reason,
        };
        if hops > MAX_LINK_HOPS {
            return Err(ImportError::Cycle {
                nodes: vec![format!("{}{link_id}", scope.prefix)],
            });
        }
        let link = scope
            .body
            .links
            .get(link_id)
            .ok_or_else(|| broken("it is not in the link list".to_owned()))?;
        if let Some((subgraph, instance, outer)) = scope.enclosing
            && link.origin_id == subgraph.input_node_id
        {
            return self.resolve_instance_input(outer, instance, link.origin_slot, hops + 1);
        }
        let origin = scope.nodes.get(link.origin_id.as_str()).ok_or_else(|| {
            broken(format!(
                "it comes from node {}, which is not in the workflow",
                link.origin_id
            ))
        })?;
        self.resolve_output(scope, origin, link.origin_slot, &link.slot_type, hops + 1)
    }

    fn resolve_output(
        &self,
        scope: &Scope,
        node: &UiNode,
        slot: usize,
        slot_type: &str,
        hops: usize,
    ) -> Result<Source, ImportError> {
        if node.is_muted() {
            return Ok(Source::Nothing);
        }
        if node.is_bypassed() {
            return match bypass_input(node, slot, slot_type).and_then(|input| input.link.as_deref()) {
                Some(link) => self.resolve_link(scope, link, hops),
                None => Ok(Source::Nothing),
            };
        }
        if let Some(subgraph) = self.graph.subgraphs.get(&node.class_type) {
            let inner = scope.enter(subgraph, node)?;
            let exit = subgraph
                .body
                .links
                .iter()
                .find(|(_, link)| link.target_id == subgraph.output_node_id && link.target_slot == slot);
            return match exit {
                Some((link_id, _)) => self.resolve_link(&inner, link_id, hops),
                None => Ok(Source::Nothing),
            };
        }
        match node.class_type.as_str() {
            REROUTE_CLASS => match node.inputs.first().and_then(|input| input.link.as_deref()) {
                Some(link) => self.resolve_link(scope, link, hops),
                None => Ok(Source::Nothing),
            },
            PRIMITIVE_CLASS => Ok(first_widget_value(node).map_or(Source::Nothing, Source::Literal)),
            _ => Ok(Source::Output {
                node: format!("{}{}", scope.prefix, node.id),
                slot,
            }),
        }
    }

    /// What feeds input `slot` of a subgraph instance, seen from the scope holding it.
    fn resolve_instance_input(
        &self,
        outer: &Scope,
        instance: &UiNode,
        slot: usize,
        hops: usize,
    ) -> Result<Source, ImportError> {
        let Some(input) = instance.inputs.get(slot) else {
            return Ok(Source::Nothing);
        };
        if let Some(link) = &input.link {
            return self.resolve_link(outer, link, hops);
        }
        // An unlinked promoted widget keeps its value on the instance, in widget order.
        if input.widget.is_some() {
            let position = instance.inputs[..slot]
                .iter()
                .filter(|other| other.widget.is_some())
                .count();
            let saved = instance
                .widgets_values
                .as_ref()
                .and_then(|values| values.get(position));
            if let Some(value) = saved.filter(|value| !value.is_null()) {
                return Ok(Source::Literal(value.clone()));
            }
        }
        Ok(Source::Nothing)
    }
}

/// The input a bypassed node passes through to output `slot`: the input in the same
/// position when its type matches, else the first input of that type.
fn bypass_input<'n>(node: &'n UiNode, slot: usize, slot_type: &str) -> Option<&'n super::ui_format::UiInput> {
    let same_type = |input: &&super::ui_format::UiInput| input.slot_type == slot_type || slot_type == "*";
    node.inputs
        .get(slot)
        .filter(same_type)
        .or_else(|| node.inputs.iter().find(same_type))
}

fn first_widget_value(node: &UiNode) -> Option<Value> {
    node.widgets_values
        .as_ref()?
        .get(0)
        .filter(|value| !value.is_null())
        .cloned()
}
