//! UI → API conversion reproduces exactly what ComfyUI's own frontend produced for the
//! example workflows (fixtures/comfyui/workflows), `_meta` aside.

use std::path::PathBuf;

use serde_json::Value;
use shotline_model::workflow::{ObjectInfo, import_workflow};

fn fixture(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/comfyui")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn without_meta(mut workflow: Value) -> Value {
    for node in workflow.as_object_mut().expect("workflow object").values_mut() {
        node.as_object_mut().expect("node object").remove("_meta");
    }
    workflow
}

fn assert_converts_like_comfyui(name: &str) {
    let object_info = ObjectInfo::from_json_str(&fixture("object_info_full.json")).expect("object info");
    let converted = import_workflow(&fixture(&format!("workflows/{name}.ui.json")), Some(&object_info))
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    let expected: Value =
        serde_json::from_str(&fixture(&format!("workflows/{name}.api.json"))).expect("api json");
    assert_eq!(
        without_meta(converted.to_value()),
        without_meta(expected),
        "{name}"
    );
}

#[test]
fn default_workflow_gets_missing_widget_values_from_object_info() {
    assert_converts_like_comfyui("default");
}

#[test]
fn lora_workflow_drops_bypassed_lora_and_notes_and_rewires_consumers() {
    assert_converts_like_comfyui("lora");
}

#[test]
fn sdxl_workflow_copies_primitive_values_and_skips_control_after_generate_values() {
    assert_converts_like_comfyui("sdxl_simple_example");
}

#[test]
fn converted_titles_are_user_titles_or_class_display_names() {
    let object_info = ObjectInfo::from_json_str(&fixture("object_info_full.json")).expect("object info");
    let converted = import_workflow(
        &fixture("workflows/sdxl_simple_example.ui.json"),
        Some(&object_info),
    )
    .expect("convert");
    let expected: Value =
        serde_json::from_str(&fixture("workflows/sdxl_simple_example.api.json")).expect("api json");
    for (id, node) in converted.nodes() {
        assert_eq!(
            Some(node.title()),
            expected[id]["_meta"]["title"].as_str(),
            "node {id}"
        );
    }
}
