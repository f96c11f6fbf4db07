//! The wire types read what a real ComfyUI 0.3.64 sent (fixtures/comfyui/traces).

mod support;

use shotline_protocol::ws::{FEATURE_FLAGS_HELLO, MAX_TEXT_MESSAGE_BYTES};
use shotline_protocol::{MessageError, ServerMessage, SystemStats};
use support::{all_traces, events, trace, ws_texts};

#[test]
fn system_stats_of_the_recorded_server_reads_version_device_and_vram() {
    let misc = trace("m_misc.json");
    let body = events(&misc)
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
        for event in events(&trace) {
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

#[test]
fn every_recorded_text_message_parses_to_a_known_type_with_its_prompt_id() {
    let mut seen = 0;
    for (name, trace) in all_traces() {
        for text in ws_texts(&trace) {
            let message = ServerMessage::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
            assert!(
                !matches!(message, ServerMessage::Unknown { .. }),
                "{name}: {text}"
            );
            let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                message.prompt_id(),
                raw["data"]["prompt_id"].as_str(),
                "{name}: {text}"
            );
            seen += 1;
        }
    }
    assert!(seen > 600, "only {seen} messages");
}

#[test]
fn feature_flags_hello_is_what_the_recorded_client_sent_first() {
    let j = trace("j_previews.json");
    let sent = events(&j).iter().find(|e| e["kind"] == "ws_send").unwrap();
    let hello: serde_json::Value = serde_json::from_str(FEATURE_FLAGS_HELLO).unwrap();
    assert_eq!(hello, sent["msg"]);
    let reply = ws_texts(&j)
        .into_iter()
        .find(|t| t.contains("feature_flags"))
        .unwrap();
    let ServerMessage::FeatureFlags(flags) = ServerMessage::parse(&reply).unwrap() else {
        panic!("{reply}");
    };
    assert!(flags.supports_preview_metadata);
    assert_eq!(flags.max_upload_size, Some(104_857_600));
}

#[test]
fn huge_text_messages_are_refused_unread() {
    let huge = format!(
        r#"{{"type":"status","data":"{}"}}"#,
        "x".repeat(MAX_TEXT_MESSAGE_BYTES)
    );
    assert!(matches!(
        ServerMessage::parse(&huge),
        Err(MessageError::TooLarge { .. })
    ));
}
