//! A 400 that says the uploaded keyframe's file is missing is told apart, from its
//! structure, from every other validation failure (trace c case 3e).

mod support;

use serde_json::{Value, json};
use shotline_protocol::http::PromptRejected;
use shotline_protocol::job::FailureKind;
use shotline_protocol::{JobEvent, JobState, apply};
use support::jobs::job;
use support::{events, trace};

/// The recorded answer to LoadImage of a file the input folder does not hold.
fn recorded_missing_file() -> PromptRejected {
    let trace = trace("c_validation_error.json");
    let events = events(&trace);
    let request = events
        .iter()
        .find(|event| {
            event["kind"] == "http_request" && event["json"]["prompt"]["1"]["class_type"] == "LoadImage"
        })
        .expect("trace c posts a LoadImage of a missing file");
    let response = events
        .iter()
        .find(|event| event["kind"] == "http_response" && event["id"] == request["id"])
        .expect("paired response");
    assert_eq!(response["status"], 400);
    serde_json::from_value(response["json"].clone()).expect("a validation body")
}

fn rejection(node_errors: Value) -> PromptRejected {
    serde_json::from_value(json!({
        "error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                  "details": "", "extra_info": {}},
        "node_errors": node_errors,
    }))
    .unwrap()
}

#[test]
fn the_recorded_missing_file_answer_names_load_images_image_input() {
    let rejected = recorded_missing_file();
    let error = rejected
        .refused_file_input("1", "image")
        .expect("node 1's image input is refused");
    assert_eq!(error.details, "image - Invalid image file: no_such_file.png");
    assert!(
        rejected.refused_file_input("2", "image").is_none(),
        "another node"
    );
    assert!(
        rejected.refused_file_input("1", "upload").is_none(),
        "another input"
    );
}

#[test]
fn a_bad_number_on_the_keyframe_node_is_not_a_missing_file() {
    let rejected = rejection(json!({"1": {"errors": [{
        "type": "value_smaller_than_min", "message": "Value -5 smaller than min of 1",
        "details": "image", "extra_info": {"input_name": "image"}}],
        "dependent_outputs": ["2"], "class_type": "LoadImage"}}));
    assert!(rejected.refused_file_input("1", "image").is_none());
}

#[test]
fn a_loader_that_checks_its_file_list_counts_as_a_missing_file() {
    let rejected = rejection(json!({"4": {"errors": [{
        "type": "value_not_in_list", "message": "Value not in list",
        "details": "frame: 'shotline_ab.png' not in []", "extra_info": {"input_name": "frame"}}],
        "dependent_outputs": ["9"], "class_type": "SomeCustomLoader"}}));
    assert!(rejected.refused_file_input("4", "frame").is_some());
}

#[test]
fn a_keyframe_still_missing_after_the_upload_again_fails_the_job_naming_that_node() {
    let mut rejected = recorded_missing_file();
    // Another node listed first must not take the blame.
    rejected.node_errors.insert(
        "0".into(),
        serde_json::from_value(json!({"errors": [{"type": "required_input_missing",
            "message": "Required input is missing", "details": "images", "extra_info": {"input_name": "images"}}],
            "dependent_outputs": [], "class_type": "SaveImage"}))
        .unwrap(),
    );
    let mut job = job();
    apply(
        &mut job,
        JobEvent::KeyframeRejected {
            rejected: &rejected,
            node: "1",
        },
        0,
    );
    let JobState::Failed {
        node,
        class,
        message,
        kind,
    } = job.state()
    else {
        panic!("{:?}", job.state())
    };
    assert_eq!(
        (node.as_deref(), class.as_deref(), *kind),
        (Some("1"), Some("LoadImage"), FailureKind::KeyframeMissing)
    );
    assert!(
        message.contains("Invalid image file: no_such_file.png"),
        "{message}"
    );
}
