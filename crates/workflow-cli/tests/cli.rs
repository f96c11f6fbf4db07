//! The `shotline-workflow` binary as a script would run it: stdout, stderr, exit code.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn repo_path(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
        .display()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shotline-workflow"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn without_meta(mut workflow: Value) -> Value {
    for node in workflow.as_object_mut().expect("object").values_mut() {
        node.as_object_mut().expect("node").remove("_meta");
    }
    workflow
}

fn read_json(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo_path(relative)).expect("fixture")).expect("json")
}

#[test]
fn convert_prints_the_api_format_comfyui_makes() {
    let output = run(&[
        "convert",
        &repo_path("fixtures/comfyui/workflows/sdxl_simple_example.ui.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info_full.json"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = read_json("fixtures/comfyui/workflows/sdxl_simple_example.api.json");
    assert_eq!(without_meta(stdout_json(&output)), without_meta(expected));
}

#[test]
fn convert_accepts_a_directory_of_per_class_files() {
    let output = run(&[
        "convert",
        &repo_path("crates/model/tests/fixtures/workflow/reroute.ui.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout_json(&output),
        read_json("crates/model/tests/fixtures/workflow/reroute.api.json")
    );
}

#[test]
fn convert_without_a_node_list_is_a_usage_error() {
    let output = run(&[
        "convert",
        &repo_path("fixtures/comfyui/workflows/default.ui.json"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--object-info"));
    assert!(output.stdout.is_empty());
}

#[test]
fn automap_prints_rows_with_node_input_and_reason_per_target() {
    let output = run(&["automap", &repo_path("fixtures/comfyui/workflows/lora.api.json")]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mapping = stdout_json(&output);
    assert_eq!(mapping["prompt"][0]["node"], "6");
    assert_eq!(mapping["prompt"][0]["input"], "text");
    assert_eq!(mapping["negative"][0]["node"], "7");
    assert_eq!(mapping["seed"][0]["input"], "seed");
    assert_eq!(mapping["keyframe"], Value::Array(Vec::new()));
    assert!(
        mapping["prompt"][0]["reason"]
            .as_str()
            .is_some_and(|reason| !reason.is_empty())
    );
}

#[test]
fn automap_converts_an_editor_workflow_when_given_a_node_list() {
    let output = run(&[
        "automap",
        &repo_path("fixtures/comfyui/workflows/default.ui.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info_full.json"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_json(&output)["negative"][0]["node"], "7");
}

#[test]
fn preflight_of_a_clean_workflow_exits_zero() {
    let output = run(&[
        "preflight",
        &repo_path("crates/model/src/workflow/bundled/sim_video.api.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "No problems found."
    );
}

#[test]
fn preflight_prints_each_problem_with_its_node_and_exits_one() {
    let output = run(&[
        "preflight",
        &repo_path("fixtures/comfyui/workflows/default.api.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info_full.json"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.starts_with(
            "Node 4 (Load Checkpoint): \"v1-5-pruned-emaonly-fp16.safetensors\" is not available"
        ),
        "{printed}"
    );
    assert!(printed.contains("Fix: "), "{printed}");
}

#[test]
fn preflight_uses_a_mapping_file_when_given() {
    let mapping = std::env::temp_dir().join(format!("shotline-cli-mapping-{}.json", std::process::id()));
    std::fs::write(
        &mapping,
        r#"{"keyframe": [{"node": "2", "input": "filename_prefix", "reason": "by hand"}]}"#,
    )
    .expect("write mapping");
    let output = run(&[
        "preflight",
        &repo_path("crates/model/src/workflow/bundled/sim_still.api.json"),
        "--object-info",
        &repo_path("fixtures/comfyui/object_info"),
        "--mapping",
        &mapping.display().to_string(),
    ]);
    std::fs::remove_file(&mapping).ok();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("only Load Image takes an uploaded image"));
}

#[test]
fn preflight_fetches_the_node_list_from_a_server() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let body = std::fs::read(repo_path("fixtures/comfyui/object_info_full.json")).expect("fixture");
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
            line.clear();
        }
        let mut stream = reader.into_inner();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(&body))
            .expect("respond");
        request_line
    });
    let output = run(&[
        "preflight",
        &repo_path("crates/model/src/workflow/bundled/sim_frames_webp.api.json"),
        "--server",
        &address,
    ]);
    assert_eq!(
        server.join().expect("server thread").split_whitespace().nth(1),
        Some("/api/object_info")
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn unreachable_server_is_an_error_on_stderr_with_exit_two() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let output = run(&[
        "preflight",
        &repo_path("fixtures/comfyui/workflows/default.api.json"),
        "--server",
        &address,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot fetch"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn missing_file_and_non_json_workflow_are_errors_with_exit_two() {
    let output = run(&["automap", "/nonexistent/workflow.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read /nonexistent/workflow.json"));
    let output = run(&["automap", &repo_path("fixtures/comfyui/object_info/README.md")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("This file is not JSON"));
    assert!(output.stdout.is_empty());
}
