//! The wire types read what a real ComfyUI 0.3.64 sent (fixtures/comfyui/traces).

use serde_json::Value;
use shotline_protocol::{ServerMessage, SystemStats};

fn trace(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/comfyui/traces/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn all_traces() -> Vec<(String, Value)> {
    let dir = format!("{}/../../fixtures/comfyui/traces", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| (name.clone(), trace(&name)))
        .collect()
}

#[test]
fn system_stats_of_the_recorded_server_reads_version_device_and_vram() {
    let misc = trace("m_misc.json");
    let body = misc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "http_response" && e["path"] == "/system_stats")
        .map(|e| e["json"].clone())
        .expect("m_misc records GET /system_stats");
    let stats: SystemStats = serde_json::from_value(body).unwrap();
    assert_eq!(stats.system.comfyui_version, "0.3.64");
    assert_eq!(stats.system.os, "posix");
    let device = stats.main_device().expect("one device");
    assert_eq!(device.name, "cpu");
    assert_eq!(device.index, None);
    assert_eq!(device.vram_total, 25_276_502_016);
    assert!(device.vram_free <= device.vram_total);
}

#[test]
fn every_recorded_status_message_parses_with_its_queue_length() {
    let mut seen = 0;
    let mut with_sid = 0;
    for (name, trace) in all_traces() {
        for event in trace["events"].as_array().unwrap() {
            let msg = &event["msg"];
            if event["kind"] != "ws_message" || msg["type"] != "status" {
                continue;
            }
            let parsed = ServerMessage::parse(&msg.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let ServerMessage::Status(status) = parsed else {
                panic!("{name}: status parsed as {parsed:?}");
            };
            assert_eq!(
                status.status.exec_info.queue_remaining,
                msg["data"]["status"]["exec_info"]["queue_remaining"]
                    .as_u64()
                    .unwrap()
            );
            with_sid += usize::from(status.sid.is_some());
            seen += 1;
        }
    }
    assert!(seen >= 100, "only {seen} status messages found in the traces");
    assert!(with_sid >= 1, "the first status after connect carries the sid");
}

#[test]
fn unknown_message_types_are_accepted_not_errors() {
    let parsed = ServerMessage::parse(r#"{"type":"crystools.monitor","data":{"cpu":3}}"#).unwrap();
    assert_eq!(
        parsed,
        ServerMessage::Unknown {
            message_type: "crystools.monitor".into()
        }
    );
}

#[test]
fn garbage_text_is_an_error_not_a_panic() {
    assert!(ServerMessage::parse("not json").is_err());
    assert!(ServerMessage::parse(r#"{"data":{}}"#).is_err());
    assert!(ServerMessage::parse(r#"{"type":"status","data":{"status":"?"}}"#).is_err());
}

#[test]
fn status_text_round_trips() {
    let text = ServerMessage::status_text(3, Some("abc"));
    let ServerMessage::Status(status) = ServerMessage::parse(&text).unwrap() else {
        panic!("not a status: {text}");
    };
    assert_eq!(status.status.exec_info.queue_remaining, 3);
    assert_eq!(status.sid.as_deref(), Some("abc"));
}
