//! Editor (UI-format) workflow → API format, as ComfyUI's frontend does on "Queue".
//!
//! Rules, learnt from the frontend's own output (fixtures/comfyui/workflows):
//! widget values become named inputs in the class's input order; links become
//! `[node, slot]`; muted nodes vanish and their consumers lose the input; bypassed nodes
//! vanish and their consumers are rewired to the bypassed node's input of the same type;
//! reroutes vanish; primitive nodes vanish and their value is copied into every input
//! they feed; notes vanish; subgraph instances are replaced by their inner nodes with
//! ids `"<instance>:<inner>"`; every node gets `_meta.title`.

use serde_json::{Number, Value};

use super::api::{ApiNode, ApiWorkflow};
use super::import_error::ImportError;
use super::object_info::{NodeSpec, ObjectInfo};
use super::ui_format::{UiGraph, UiInput, UiNode};
use super::ui_resolve::{PRIMITIVE_CLASS, REROUTE_CLASS, Resolver, Scope, Source};
use super::ui_widgets::widget_values;

/// Editor-only classes that never reach the API format.
const FRONTEND_ONLY_CLASSES: [&str; 4] = [REROUTE_CLASS, PRIMITIVE_CLASS, "Note", "MarkdownNote"];

pub fn convert_ui_workflow(graph: &UiGraph, object_info: &ObjectInfo) -> Result<ApiWorkflow, ImportError> {
    let converter = Converter {
        resolver: Resolver { graph },
        object_info,
    };
    let mut workflow = ApiWorkflow::default();
    converter.emit_scope(&Scope::root(&graph.root), &mut workflow)?;
    Ok(workflow)
}

struct Converter<'a> {
    resolver: Resolver<'a>,
    object_info: &'a ObjectInfo,
}

impl Converter<'_> {
    fn emit_scope(&self, scope: &Scope, workflow: &mut ApiWorkflow) -> Result<(), ImportError> {
        for node in &scope.body.nodes {
            if node.is_muted()
                || node.is_bypassed()
                || FRONTEND_ONLY_CLASSES.contains(&node.class_type.as_str())
            {
                continue;
            }
            if let Some(subgraph) = self.resolver.graph.subgraphs.get(&node.class_type) {
                self.emit_scope(&scope.enter(subgraph, node)?, workflow)?;
                continue;
            }
            let id = format!("{}{}", scope.prefix, node.id);
            match self.object_info.class(&node.class_type) {
                Some(spec) => {
                    let api_node = self.convert_node(scope, node, spec)?;
                    workflow.insert(id, api_node);
                }
                // Custom frontends add decoration nodes (labels, group switches) that
                // link to nothing; only a node that carries data needs the server.
                None if !is_linked(scope, node) => {}
                None => {
                    return Err(ImportError::UnknownClass {
                        node: id,
                        title: node.title.clone().unwrap_or_else(|| node.class_type.clone()),
                        class_type: node.class_type.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    fn convert_node(&self, scope: &Scope, node: &UiNode, spec: &NodeSpec) -> Result<ApiNode, ImportError> {
        let title = node.title.clone().unwrap_or_else(|| spec.display_name.clone());
        let mut api_node = ApiNode::new(node.class_type.clone(), title);
        let widgets = widget_values(spec, node);
        for input in &spec.inputs {
            let source = match ui_input(node, &input.name).and_then(|ui| ui.link.as_deref()) {
                Some(link) => self.resolver.resolve_link(scope, link, 0)?,
                None => Source::Nothing,
            };
            let value = match source {
                Source::Output { node, slot } => Some(link_value(node, slot)),
                Source::Literal(value) => Some(value),
                Source::Nothing => widgets.get(&input.name).cloned(),
            };
            if let Some(value) = value {
                api_node.inputs.insert(input.name.clone(), value);
            }
        }
        // Inputs the class does not declare (dynamic inputs of custom nodes) still run.
        for extra in node.inputs.iter().filter(|ui| spec.input(&ui.name).is_none()) {
            let Some(link) = &extra.link else { continue };
            match self.resolver.resolve_link(scope, link, 0)? {
                Source::Output { node, slot } => {
                    api_node.inputs.insert(extra.name.clone(), link_value(node, slot));
                }
                Source::Literal(value) => {
                    api_node.inputs.insert(extra.name.clone(), value);
                }
                Source::Nothing => {}
            }
        }
        Ok(api_node)
    }
}

fn ui_input<'n>(node: &'n UiNode, name: &str) -> Option<&'n UiInput> {
    node.inputs.iter().find(|input| {
        input.name == name
            || input
                .widget
                .as_ref()
                .and_then(|widget| widget.get("name"))
                .and_then(Value::as_str)
                == Some(name)
    })
}

fn is_linked(scope: &Scope, node: &UiNode) -> bool {
    node.inputs.iter().any(|input| input.link.is_some()) || scope.has_links_from(&node.id)
}

fn link_value(node: String, slot: usize) -> Value {
    Value::Array(vec![Value::String(node), Value::Number(Number::from(slot))])
}
