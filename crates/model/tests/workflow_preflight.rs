//! Preflight names the node, says what is wrong and how to fix it, for each error class.

use std::path::PathBuf;

use serde_json::json;
use shotline_model::workflow::{
    ApiWorkflow, MappedInput, Mapping, ObjectInfo, Problem, ProblemKind, Target, preflight,
};

fn object_info() -> ObjectInfo {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/comfyui/object_info_full.json");
    ObjectInfo::from_json_str(&std::fs::read_to_string(path).expect("fixture")).expect("object info")
}

/// EmptyImage → SaveImage, valid on the fixture server; tests break one thing each.
fn valid_workflow() -> serde_json::Value {
    json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 512, "height": 512, "batch_size": 1, "color": 0},
              "_meta": {"title": "Blank"}},
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "shot"},
              "_meta": {"title": "Save"}}
    })
}

fn check(workflow: serde_json::Value, mapping: &Mapping) -> Vec<Problem> {
    let workflow: ApiWorkflow = serde_json::from_value(workflow).expect("api workflow");
    preflight(&workflow, mapping, &object_info())
}

fn only_problem(workflow: serde_json::Value, mapping: &Mapping) -> Problem {
    let problems = check(workflow, mapping);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.into_iter().next().expect("one problem")
}

fn mapped(target: Target, node: &str, input: &str) -> Mapping {
    let mut mapping = Mapping::default();
    mapping.add(
        target,
        MappedInput {
            node: node.into(),
            input: input.into(),
            reason: "test".into(),
        },
    );
    mapping
}

#[test]
fn valid_workflow_and_mapping_have_no_problems() {
    let mut mapping = mapped(Target::Width, "1", "width");
    mapping.add(
        Target::FilenamePrefix,
        MappedInput {
            node: "2".into(),
            input: "filename_prefix".into(),
            reason: String::new(),
        },
    );
    assert_eq!(check(valid_workflow(), &mapping), []);
}

#[test]
fn unknown_class_names_the_node_and_the_missing_type() {
    let mut workflow = valid_workflow();
    workflow["1"]["class_type"] = json!("FancyNoise");
    let problem = only_problem(workflow, &Mapping::default());
    assert_eq!(problem.kind, ProblemKind::UnknownClass);
    assert_eq!(
        (problem.node.as_deref(), problem.title.as_deref()),
        (Some("1"), Some("Blank"))
    );
    assert_eq!(
        problem.to_string(),
        "Node 1 (Blank): This server has no node type \"FancyNoise\". Fix: Install the custom node pack \
         that provides FancyNoise on this server, or use another server."
    );
}

#[test]
fn checkpoint_missing_on_the_server_says_where_the_file_goes() {
    let mut workflow = valid_workflow();
    workflow["3"] = json!({"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}});
    let problem = only_problem(workflow, &Mapping::default());
    assert_eq!(problem.kind, ProblemKind::NotInList);
    assert_eq!(problem.title.as_deref(), Some("CheckpointLoaderSimple"));
    assert!(
        problem
            .sentence
            .contains("\"sd_xl_base_1.0.safetensors\" is not available"),
        "{problem}"
    );
    assert!(problem.fix.contains("models folder"), "{problem}");
}

#[test]
fn combo_value_not_in_list_fix_lists_the_choices() {
    let mut workflow = valid_workflow();
    workflow["3"] = json!({"class_type": "LoadImage", "inputs": {"image": "missing.png"}});
    let problem = only_problem(workflow, &Mapping::default());
    assert_eq!(problem.kind, ProblemKind::NotInList);
    assert!(
        problem.fix.starts_with("Pick one this server has: example.png, "),
        "{problem}"
    );
}

#[test]
fn values_outside_min_and_max_are_reported_with_the_limit() {
    let mut workflow = valid_workflow();
    workflow["1"]["inputs"]["width"] = json!(0);
    workflow["1"]["inputs"]["height"] = json!(20000);
    let problems = check(workflow, &Mapping::default());
    let kinds: Vec<_> = problems.iter().map(|problem| problem.kind).collect();
    assert_eq!(kinds, [ProblemKind::AboveMaximum, ProblemKind::BelowMinimum]);
    assert_eq!(problems[1].fix, "Set \"width\" to 1 or more.");
}

#[test]
fn largest_u64_seed_is_within_range_exactly() {
    let mut workflow = valid_workflow();
    workflow["3"] = json!({"class_type": "RandomNoise", "inputs": {"noise_seed": u64::MAX}});
    assert_eq!(check(workflow, &Mapping::default()), []);
}

#[test]
fn value_of_the_wrong_type_is_reported() {
    let mut workflow = valid_workflow();
    workflow["1"]["inputs"]["batch_size"] = json!("four");
    assert_eq!(
        only_problem(workflow, &Mapping::default()).kind,
        ProblemKind::WrongValueType
    );
}

#[test]
fn missing_required_input_is_reported() {
    let mut workflow = valid_workflow();
    workflow["2"]["inputs"]
        .as_object_mut()
        .expect("inputs")
        .remove("images");
    let problem = only_problem(workflow, &Mapping::default());
    assert_eq!(
        (problem.kind, problem.node.as_deref()),
        (ProblemKind::MissingRequiredInput, Some("2"))
    );
}

#[test]
fn link_to_a_missing_node_and_to_a_missing_output_are_reported() {
    let mut workflow = valid_workflow();
    workflow["2"]["inputs"]["images"] = json!(["1", 3]);
    workflow["4"] = json!({"class_type": "PreviewImage", "inputs": {"images": ["9", 0]}});
    let kinds: Vec<_> = check(workflow, &Mapping::default())
        .iter()
        .map(|problem| problem.kind)
        .collect();
    assert_eq!(
        kinds,
        [ProblemKind::BadOutputIndex, ProblemKind::LinkToMissingNode]
    );
}

#[test]
fn mapping_to_a_missing_node_or_input_is_reported() {
    let problem = only_problem(valid_workflow(), &mapped(Target::Seed, "7", "seed"));
    assert_eq!(problem.kind, ProblemKind::MappedNodeMissing);
    assert_eq!(
        problem.sentence,
        "The seed is mapped to node 7, which is not in the workflow."
    );
    let problem = only_problem(valid_workflow(), &mapped(Target::Seed, "1", "seed"));
    assert_eq!(problem.kind, ProblemKind::MappedInputUnknown);
}

#[test]
fn mapping_a_prompt_into_a_number_input_is_the_wrong_type() {
    let problem = only_problem(valid_workflow(), &mapped(Target::Prompt, "1", "width"));
    assert_eq!(problem.kind, ProblemKind::MappedInputWrongType);
    assert_eq!(
        problem.sentence,
        "The prompt is mapped to \"width\", an input of type INT that cannot take it."
    );
}

#[test]
fn mapping_onto_a_linked_input_is_reported() {
    let problems = check(valid_workflow(), &mapped(Target::Width, "2", "images"));
    let kinds: Vec<_> = problems.iter().map(|problem| problem.kind).collect();
    assert_eq!(
        kinds,
        [
            ProblemKind::MappedInputIsLinked,
            ProblemKind::MappedInputWrongType
        ]
    );
    assert_eq!(
        problems[0].sentence,
        "The width is mapped to \"images\", which is fed by another node."
    );
}

#[test]
fn keyframe_mapped_to_something_other_than_load_image_is_reported() {
    let problems = check(
        valid_workflow(),
        &mapped(Target::Keyframe, "2", "filename_prefix"),
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].kind, ProblemKind::KeyframeNotLoadImage);
    assert_eq!(problems[0].node.as_deref(), Some("2"));
}

#[test]
fn keyframe_input_value_is_not_checked_against_the_server_files() {
    let mut workflow = valid_workflow();
    workflow["3"] = json!({"class_type": "LoadImage", "inputs": {"image": "not-uploaded-yet.png"}});
    assert_eq!(check(workflow, &mapped(Target::Keyframe, "3", "image")), []);
}

#[test]
fn workflow_without_output_node_is_reported_once_for_the_whole_workflow() {
    let mut workflow = valid_workflow();
    workflow.as_object_mut().expect("object").remove("2");
    let problem = only_problem(workflow, &Mapping::default());
    assert_eq!((problem.kind, problem.node), (ProblemKind::NoOutputNode, None));
}
