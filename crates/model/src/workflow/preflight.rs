//! Preflight: checks a workflow and its mapping against one server's `/object_info`
//! before anything is submitted, so a 400 never reaches the user unexplained.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::api::{ApiNode, ApiWorkflow, InputValue};
use super::graph_checks::has_output_node;
use super::mapping::{MappedInput, Mapping, Target, TargetValue};
use super::object_info::{InputKind, InputSpec, NodeSpec, ObjectInfo};
use super::preflight_problem::{Problem, ProblemKind, choices_fix, display_value};

/// Every problem found, nodes in id order, then the mapping, then the whole workflow.
pub fn preflight(workflow: &ApiWorkflow, mapping: &Mapping, object_info: &ObjectInfo) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (id, node) in workflow.nodes() {
        match object_info.class(&node.class_type) {
            Some(spec) => check_node(workflow, object_info, id, node, spec, mapping, &mut problems),
            None => problems.push(Problem::of_node(
                workflow,
                id,
                ProblemKind::UnknownClass,
                format!("This server has no node type \"{}\".", node.class_type),
                format!(
                    "Install the custom node pack that provides {} on this server, or use another server.",
                    node.class_type
                ),
            )),
        }
    }
    for (target, row) in mapping.rows() {
        check_mapped_input(workflow, object_info, target, row, &mut problems);
    }
    if !has_output_node(workflow, Some(object_info)) {
        problems.push(Problem::of_workflow(
            ProblemKind::NoOutputNode,
            "The workflow has no output node, so ComfyUI would run nothing.".to_owned(),
            "Add a Save Image or Save Video node at the end of the workflow.".to_owned(),
        ));
    }
    problems
}

fn check_node(
    workflow: &ApiWorkflow,
    object_info: &ObjectInfo,
    id: &str,
    node: &ApiNode,
    spec: &NodeSpec,
    mapping: &Mapping,
    problems: &mut Vec<Problem>,
) {
    let mut problem =
        |kind, sentence, fix| problems.push(Problem::of_node(workflow, id, kind, sentence, fix));
    for input in spec
        .inputs
        .iter()
        .filter(|input| input.required && !node.inputs.contains_key(&input.name))
    {
        problem(
            ProblemKind::MissingRequiredInput,
            format!("Required input \"{}\" is not set.", input.name),
            format!(
                "Connect or set \"{}\" in ComfyUI and export the workflow again.",
                input.name
            ),
        );
    }
    for (name, value) in &node.inputs {
        match InputValue::of(value) {
            InputValue::Link { node: source, output } => match workflow.node(source) {
                None => problem(
                    ProblemKind::LinkToMissingNode,
                    format!("Input \"{name}\" is linked to node {source}, which is not in the workflow."),
                    "Reconnect the input in ComfyUI and export the workflow again.".to_owned(),
                ),
                Some(source_node) => {
                    let outputs = object_info
                        .class(&source_node.class_type)
                        .map(|spec| spec.outputs.len());
                    if outputs
                        .is_some_and(|count| usize::try_from(output).map_or(true, |index| index >= count))
                    {
                        problem(
                            ProblemKind::BadOutputIndex,
                            format!(
                                "Input \"{name}\" takes output {output} of node {source} ({}), which has no such output.",
                                source_node.title()
                            ),
                            "Reconnect the input in ComfyUI and export the workflow again.".to_owned(),
                        );
                    }
                }
            },
            // The keyframe input's current value is replaced by the uploaded file's name.
            InputValue::Literal(_)
                if mapping
                    .inputs(Target::Keyframe)
                    .iter()
                    .any(|row| row.node == id && row.input == *name) => {}
            InputValue::Literal(literal) => {
                if let Some(input) = spec.input(name)
                    && let Some((kind, sentence, fix)) = check_literal(input, literal)
                {
                    problem(kind, sentence, fix);
                }
            }
        }
    }
}

fn check_literal(input: &InputSpec, value: &Value) -> Option<(ProblemKind, String, String)> {
    let name = &input.name;
    let wrong_type = || {
        Some((
            ProblemKind::WrongValueType,
            format!(
                "\"{name}\" holds {}, but this server expects {}.",
                display_value(value),
                input.type_name()
            ),
            format!("Set \"{name}\" to a {} value.", input.type_name()),
        ))
    };
    match &input.kind {
        InputKind::Combo(choices) if !choices.contains(value) => Some((
            ProblemKind::NotInList,
            format!(
                "\"{}\" is not available on this server for \"{name}\".",
                display_value(value)
            ),
            choices_fix(name, choices),
        )),
        InputKind::Int if !(value.is_i64() || value.is_u64()) => wrong_type(),
        InputKind::Float if !value.is_number() => wrong_type(),
        InputKind::String if !value.is_string() => wrong_type(),
        InputKind::Boolean if !value.is_boolean() => wrong_type(),
        InputKind::Int | InputKind::Float => check_range(input, value.as_number()?),
        _ => None,
    }
}

fn check_range(input: &InputSpec, value: &Number) -> Option<(ProblemKind, String, String)> {
    let name = &input.name;
    if let Some(min) = &input.min
        && compare_numbers(value, min) == Some(Ordering::Less)
    {
        return Some((
            ProblemKind::BelowMinimum,
            format!("\"{name}\" is {value}, below this server's minimum of {min}."),
            format!("Set \"{name}\" to {min} or more."),
        ));
    }
    if let Some(max) = &input.max
        && compare_numbers(value, max) == Some(Ordering::Greater)
    {
        return Some((
            ProblemKind::AboveMaximum,
            format!("\"{name}\" is {value}, above this server's maximum of {max}."),
            format!("Set \"{name}\" to {max} or less."),
        ));
    }
    None
}

/// Exact for integers up to u64::MAX (seeds), where going through f64 would round.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let exact = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn check_mapped_input(
    workflow: &ApiWorkflow,
    object_info: &ObjectInfo,
    target: Target,
    row: &MappedInput,
    problems: &mut Vec<Problem>,
) {
    let (node_id, input_name, field) = (row.node.as_str(), row.input.as_str(), target.name());
    let mut problem =
        |kind, sentence, fix| problems.push(Problem::of_node(workflow, node_id, kind, sentence, fix));
    let Some(node) = workflow.node(node_id) else {
        problem(
            ProblemKind::MappedNodeMissing,
            format!("The {field} is mapped to node {node_id}, which is not in the workflow."),
            format!("Map the {field} to another node input."),
        );
        return;
    };
    if target == Target::Keyframe && node.class_type != "LoadImage" {
        problem(
            ProblemKind::KeyframeNotLoadImage,
            format!(
                "The keyframe is mapped to a {} node, but only Load Image takes an uploaded image.",
                node.class_type
            ),
            "Map the keyframe to the \"image\" input of a Load Image node.".to_owned(),
        );
    }
    if node.link(input_name).is_some() {
        problem(
            ProblemKind::MappedInputIsLinked,
            format!("The {field} is mapped to \"{input_name}\", which is fed by another node."),
            format!("Map the {field} to an input that holds a value, or unlink \"{input_name}\" in ComfyUI."),
        );
    }
    let Some(spec) = object_info.class(&node.class_type) else {
        return;
    };
    match spec.input(input_name) {
        None => problem(
            ProblemKind::MappedInputUnknown,
            format!(
                "The {field} is mapped to input \"{input_name}\", which {} does not have.",
                node.class_type
            ),
            format!("Map the {field} to one of the inputs this node has."),
        ),
        Some(input) if !accepts(target, &input.kind) => problem(
            ProblemKind::MappedInputWrongType,
            format!(
                "The {field} is mapped to \"{input_name}\", an input of type {} that cannot take it.",
                input.type_name()
            ),
            format!("Map the {field} to an input of the matching type."),
        ),
        Some(_) => {}
    }
}

fn accepts(target: Target, kind: &InputKind) -> bool {
    match (target.value_kind(), kind) {
        (_, InputKind::Combo(_)) => target == Target::Keyframe,
        (TargetValue::Text, InputKind::String) => true,
        (TargetValue::Integer, InputKind::Int) => true,
        (TargetValue::Number, InputKind::Int | InputKind::Float) => true,
        _ => false,
    }
}
