//! One small hand-made editor workflow per conversion rule, and the sentences bad
//! workflow files get.

use std::path::PathBuf;

use serde_json::Value;
use shotline_model::workflow::{ImportError, MAX_WORKFLOW_BYTES, ObjectInfo, import_workflow};

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn object_info() -> ObjectInfo {
    let text = read(manifest_dir().join("../../fixtures/comfyui/object_info_full.json"));
    ObjectInfo::from_json_str(&text).expect("object info")
}

fn assert_rule(name: &str) {
    let dir = manifest_dir().join("tests/fixtures/workflow");
    let ui = read(dir.join(format!("{name}.ui.json")));
    let expected: Value =
        serde_json::from_str(&read(dir.join(format!("{name}.api.json")))).expect("api json");
    let converted =
        import_workflow(&ui, Some(&object_info())).unwrap_or_else(|error| panic!("{name}: {error}"));
    assert_eq!(converted.to_value(), expected, "{name}");
}

#[test]
fn reroute_chains_vanish_and_consumers_link_to_the_real_source() {
    assert_rule("reroute");
}

#[test]
fn primitive_node_value_is_copied_into_every_input_it_feeds() {
    assert_rule("primitive");
}

#[test]
fn bypassed_node_vanishes_and_passes_its_input_of_the_same_type_through() {
    assert_rule("bypass");
}

#[test]
fn muted_nodes_vanish_and_their_consumers_lose_that_input() {
    assert_rule("mute");
}

#[test]
fn subgraph_instance_is_flattened_with_instance_prefixed_ids_and_promoted_widgets() {
    assert_rule("subgraph");
}

#[test]
fn missing_widget_values_come_from_object_info_defaults() {
    assert_rule("missing_widget_values");
}

#[test]
fn control_after_generate_and_upload_button_values_are_not_inputs() {
    assert_rule("control_after_generate");
}

#[test]
fn editor_workflow_without_a_server_explains_how_to_export_the_api_format() {
    let ui = read(manifest_dir().join("tests/fixtures/workflow/reroute.ui.json"));
    let error = import_workflow(&ui, None).expect_err("needs a server");
    assert_eq!(error, ImportError::UiFormatNeedsServer);
    assert!(error.to_string().contains("Export (API)"), "{error}");
    assert!(error.to_string().contains("Save (API"), "{error}");
}

#[test]
fn text_that_is_not_json_is_answered_with_its_position() {
    let error = import_workflow("{\"3\": {\"class_type\": ", None).expect_err("not json");
    assert!(matches!(error, ImportError::NotJson { line: 1, .. }), "{error:?}");
    assert!(error.to_string().starts_with("This file is not JSON"));
}

#[test]
fn json_that_is_not_an_object_is_not_a_workflow() {
    assert_eq!(import_workflow("[1, 2]", None), Err(ImportError::NotAnObject));
}

#[test]
fn empty_object_is_an_empty_workflow() {
    assert_eq!(import_workflow("{}", None), Err(ImportError::Empty));
    assert_eq!(
        import_workflow(r#"{"nodes": [], "links": []}"#, Some(&object_info())),
        Err(ImportError::Empty)
    );
}

#[test]
fn node_without_class_type_is_named() {
    let error = import_workflow(r#"{"7": {"inputs": {}}}"#, None).expect_err("malformed");
    assert_eq!(error, ImportError::MalformedNode { node: "7".to_owned() });
}

#[test]
fn cyclic_links_are_refused_with_the_loop_named() {
    let text = r#"{
        "1": {"class_type": "ImageScale", "inputs": {"image": ["2", 0]}},
        "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0]}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0]}}
    }"#;
    let error = import_workflow(text, None).expect_err("cycle");
    let ImportError::Cycle { nodes } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(nodes.first(), nodes.last());
    assert!(
        nodes.contains(&"1".to_owned()) && nodes.contains(&"2".to_owned()),
        "{nodes:?}"
    );
    assert!(error.to_string().contains("loop"));
}

#[test]
fn api_link_to_a_missing_node_names_node_input_and_missing_id() {
    let text =
        r#"{"9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}, "_meta": {"title": "Save"}}}"#;
    let error = import_workflow(text, None).expect_err("dangling");
    assert_eq!(
        error.to_string(),
        "Input \"images\" of node 9 (Save) is linked to node 8, which is not in the workflow."
    );
}

#[test]
fn editor_link_from_a_missing_node_is_refused() {
    let text = r#"{"nodes": [{"id": 2, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 5}]}],
                  "links": [[5, 1, 0, 2, 0, "IMAGE"]]}"#;
    let error = import_workflow(text, Some(&object_info())).expect_err("dangling");
    assert!(
        matches!(&error, ImportError::BrokenUiLink { link, .. } if link == "5"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("node 1, which is not in the workflow"),
        "{error}"
    );
}

#[test]
fn editor_reroute_loop_is_refused_as_a_cycle() {
    let text = r#"{"nodes": [
            {"id": 1, "type": "Reroute", "inputs": [{"name": "", "type": "*", "link": 2}]},
            {"id": 2, "type": "Reroute", "inputs": [{"name": "", "type": "*", "link": 1}]},
            {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 3}]}],
        "links": [[1, 1, 0, 2, 0, "*"], [2, 2, 0, 1, 0, "*"], [3, 2, 0, 3, 0, "IMAGE"]]}"#;
    assert!(matches!(
        import_workflow(text, Some(&object_info())),
        Err(ImportError::Cycle { .. })
    ));
}

#[test]
fn workflow_over_the_size_cap_is_refused_before_parsing() {
    let huge = format!(
        "{{\"1\": {{\"class_type\": \"SaveImage\", \"inputs\": {{\"pad\": \"{}\"}}}}}}",
        "x".repeat(50 * 1024 * 1024)
    );
    assert!(huge.len() > MAX_WORKFLOW_BYTES);
    let error = import_workflow(&huge, None).expect_err("too large");
    assert_eq!(error, ImportError::TooLarge { size_mb: 51 });
    assert!(error.to_string().contains("up to 16 MB"), "{error}");
}

#[test]
fn workflow_without_output_node_is_refused() {
    let text = r#"{"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}"#;
    assert_eq!(import_workflow(text, None), Err(ImportError::NoOutputNode));
    assert_eq!(
        import_workflow(text, Some(&object_info())),
        Err(ImportError::NoOutputNode)
    );
}

#[test]
fn editor_node_of_a_class_the_server_lacks_is_named() {
    let text = r#"{"nodes": [
            {"id": 1, "type": "EmptyImage", "widgets_values": [8, 8, 1, 0]},
            {"id": 2, "type": "FancyUpscaler", "title": "Fancy", "inputs": [{"name": "image", "type": "IMAGE", "link": 1}]},
            {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 2}]}],
        "links": [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"]]}"#;
    let error = import_workflow(text, Some(&object_info())).expect_err("unknown class");
    assert_eq!(
        error,
        ImportError::UnknownClass {
            node: "2".into(),
            title: "Fancy".into(),
            class_type: "FancyUpscaler".into()
        }
    );
}

#[test]
fn api_workflow_imports_unchanged() {
    let text = read(manifest_dir().join("../../fixtures/comfyui/workflows/lora.api.json"));
    let workflow = import_workflow(&text, None).expect("api import");
    assert_eq!(
        workflow.to_value(),
        serde_json::from_str::<Value>(&text).expect("json")
    );
}
