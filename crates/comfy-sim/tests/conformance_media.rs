//! Media outputs and uploads replayed from traces h and l.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::trace::{Shape, Trace, assert_same_keys, prompt_window, shapes};
use common::{TestSim, spawn_default};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// Headers only the recording server sent: it ran with CORS on, and aiohttp names itself.
const RECORDING_ONLY_HEADERS: [&str; 3] = ["access-control-", "date", "server"];

/// Each node's messages, from its `executing` up to the next node's.
fn per_node(window: &[Shape]) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = String::new();
    for shape in window {
        if shape.kind == "executing"
            && let Some(node) = shape.data["node"].as_str()
        {
            current = node.to_owned();
        }
        groups
            .entry(current.clone())
            .or_default()
            .push(shape.kind.clone());
    }
    groups
}

fn executing_order(window: &[Shape]) -> Vec<String> {
    window
        .iter()
        .filter(|shape| shape.kind == "executing")
        .filter_map(|shape| shape.data["node"].as_str().map(str::to_owned))
        .collect()
}

fn header_names(headers: impl Iterator<Item = String>) -> BTreeSet<String> {
    headers
        .map(|name| name.to_ascii_lowercase())
        .filter(|name| !RECORDING_ONLY_HEADERS.iter().any(|skip| name.starts_with(skip)))
        .collect()
}

#[tokio::test]
async fn animated_and_video_outputs_match_trace_h_and_are_served_like_it() {
    let trace = Trace::load("h_animated");
    let recorded_id = trace.0["prompt_id"].as_str().expect("id");
    let recorded = trace.prompt_messages("main", recorded_id);
    let sim = spawn_default().await;
    let mut socket = sim.socket("media").await;
    socket.next_json().await;
    let prompt_id = sim.submit("media", &trace.0["workflow"]).await;
    let window = prompt_window(&shapes(&socket.frames_until_done(&prompt_id).await), &prompt_id);

    assert_eq!(per_node(&window), per_node(&recorded), "each node's messages");
    // The recording ran 1,2,7,3,6,4,5 because its outputs_to_execute came out of a Python set
    // as [5,2,7,3,6]; ours are in id order, and the same picking rule gives this order.
    assert_eq!(executing_order(&window), ["1", "2", "3", "6", "7", "4", "5"]);
    let recorded_outputs: BTreeMap<&str, &Value> = recorded
        .iter()
        .filter(|shape| shape.kind == "executed")
        .map(|shape| (shape.data["node"].as_str().unwrap_or_default(), &shape.data))
        .collect();
    for executed in window.iter().filter(|shape| shape.kind == "executed") {
        let node = executed.data["node"].as_str().expect("node");
        let expected = recorded_outputs[node];
        assert_same_keys(expected, &executed.data, "executed");
        assert_eq!(
            executed.data["output"]["animated"],
            expected["output"]["animated"]
        );
        let (ours, theirs) = (&executed.data["output"]["images"], &expected["output"]["images"]);
        assert_eq!(
            ours.as_array().map(Vec::len),
            theirs.as_array().map(Vec::len),
            "node {node}"
        );
        for (file, recorded_file) in ours
            .as_array()
            .into_iter()
            .flatten()
            .zip(theirs.as_array().into_iter().flatten())
        {
            assert_eq!(file["subfolder"], recorded_file["subfolder"]);
            assert_eq!(file["type"], recorded_file["type"]);
            let extension = |value: &Value| {
                value["filename"]
                    .as_str()
                    .and_then(|name| name.rsplit_once('.'))
                    .map(|(_, ext)| ext.to_owned())
            };
            assert_eq!(extension(file), extension(recorded_file));
        }
    }
    let entry = sim.wait_for_history(&prompt_id).await;
    for request in trace.events().filter(|event| {
        event["kind"] == "http_request"
            && event["path"]
                .as_str()
                .is_some_and(|path| path.starts_with("/view"))
    }) {
        let recorded_response = trace.response(request["id"].as_u64().expect("id"));
        let node = view_node(&request["path"], &trace.0["workflow"]);
        let file = &entry["outputs"][node.as_str()]["images"][0];
        let query = [
            ("filename", &file["filename"]),
            ("subfolder", &file["subfolder"]),
            ("type", &file["type"]),
        ]
        .map(|(key, value)| (key, value.as_str().unwrap_or_default().to_owned()));
        let method = request["method"]
            .as_str()
            .expect("method")
            .parse()
            .expect("method");
        let mut builder = sim.http.request(method, sim.url("/view")).query(&query);
        if let Some(range) = request["headers"]["Range"].as_str() {
            builder = builder.header("range", range);
        }
        let response = builder.send().await.expect("answer");
        assert_eq!(
            response.status().as_u16(),
            recorded_response["status"].as_u64().unwrap_or_default() as u16
        );
        let ours = header_names(response.headers().keys().map(|name| name.to_string()));
        let theirs = header_names(
            recorded_response["headers"]
                .as_object()
                .expect("headers")
                .keys()
                .cloned(),
        );
        assert_eq!(
            ours, theirs,
            "headers of {} {}",
            request["method"], request["path"]
        );
        assert_eq!(
            response.headers()["content-type"],
            recorded_response["headers"]["Content-Type"]
                .as_str()
                .unwrap_or_default()
        );
    }
}

/// Which output node of trace h a recorded `/view` path asks for, by its filename prefix.
fn view_node(path: &Value, workflow: &Value) -> String {
    let path = path.as_str().unwrap_or_default();
    workflow
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, node)| {
            node["inputs"]["filename_prefix"]
                .as_str()
                .and_then(|prefix| prefix.rsplit('/').next())
                .is_some_and(|stem| path.contains(&format!("filename={stem}_")))
        })
        .map(|(id, _)| id.clone())
        .expect("a node wrote that file")
}

async fn upload_form(sim: &TestSim, form: Form) -> reqwest::Response {
    sim.http
        .post(sim.url("/upload/image"))
        .multipart(form)
        .send()
        .await
        .expect("answer")
}

#[tokio::test]
async fn every_upload_of_trace_l_gets_the_recorded_status_and_name() {
    let trace = Trace::load("l_upload");
    let sim = spawn_default().await;
    let mut checked = 0;
    for request in trace.events().filter(|event| event["kind"] == "http_request") {
        let recorded = trace.response(request["id"].as_u64().expect("id"));
        let response = if request["path"] == "/upload/image" {
            let mut form = Form::new();
            for (field, value) in request["form"].as_object().into_iter().flatten() {
                form = form.text(field.clone(), value.as_str().unwrap_or_default().to_owned());
            }
            if let Some(file) = request["files"].get("image") {
                // The recording's three files differ in length, so length stands for content.
                let length = file["len"].as_u64().unwrap_or_default() as usize;
                let name = file["filename"].as_str().unwrap_or_default().to_owned();
                form = form.part("image", Part::bytes(vec![b'x'; length]).file_name(name));
            }
            upload_form(&sim, form).await
        } else {
            sim.http
                .get(sim.url(request["path"].as_str().expect("path")))
                .send()
                .await
                .expect("answer")
        };
        assert_eq!(
            response.status().as_u16(),
            recorded["status"].as_u64().unwrap_or_default() as u16,
            "request {}",
            request["id"]
        );
        let body = response.text().await.expect("body");
        match (&recorded["json"], request["path"].as_str()) {
            (Value::Null, _) => {}
            (expected, Some("/object_info/LoadImage")) => {
                let listed: Value = serde_json::from_str(&body).expect("JSON");
                let files = &listed["LoadImage"]["input"]["required"]["image"][0];
                let recorded_files = &expected["LoadImage"]["input"]["required"]["image"][0];
                let uploaded = recorded_files
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|name| *name != "example.png");
                assert_eq!(
                    files.as_array().into_iter().flatten().collect::<Vec<_>>(),
                    uploaded.collect::<Vec<_>>()
                );
            }
            (expected, _) => assert_eq!(&serde_json::from_str::<Value>(&body).expect("JSON"), expected),
        }
        checked += 1;
    }
    assert_eq!(checked, 11, "every request of trace l was replayed");
}
