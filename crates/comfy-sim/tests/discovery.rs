//! Discovery routes compared with trace m_misc.

mod common;

use common::{load_fixture, spawn_default};

fn key_set(value: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

#[tokio::test]
async fn system_stats_has_the_recorded_shape_and_says_it_is_a_simulator() {
    let trace = load_fixture("traces/m_misc.json");
    let recorded = &trace["events"][1]["json"];
    let sim = spawn_default().await;
    for path in ["/system_stats", "/api/system_stats"] {
        let (status, stats) = sim.get_json(path).await;
        assert_eq!(status, 200);
        assert_eq!(key_set(&stats), key_set(recorded));
        assert_eq!(key_set(&stats["system"]), key_set(&recorded["system"]));
        assert_eq!(key_set(&stats["devices"][0]), key_set(&recorded["devices"][0]));
        assert_eq!(stats["system"]["comfyui_version"], "0.3.64");
        assert_eq!(stats["system"]["os"], recorded["system"]["os"]);
        assert!(
            stats["devices"][0]["name"]
                .as_str()
                .is_some_and(|name| name.contains("simulated"))
        );
        assert!(
            stats["devices"][0]["vram_total"]
                .as_u64()
                .is_some_and(|bytes| bytes > 0)
        );
    }
}

#[tokio::test]
async fn socket_greets_with_status_and_the_given_client_id_as_sid() {
    let sim = spawn_default().await;
    let mut socket = sim.socket("0f33134a1c5a4e189e6f10b694654e75").await;
    let greeting = socket.next_json().await;
    assert_eq!(
        greeting,
        serde_json::json!({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}},
            "sid": "0f33134a1c5a4e189e6f10b694654e75"}})
    );
}

/// Every `/object_info/{class}` body traces m and l recorded, tooltips and descriptions
/// included, is what the simulator answers (LoadImage's file list depends on the folder).
#[tokio::test]
async fn object_info_of_the_recorded_classes_matches_traces_m_and_l_exactly() {
    let sim = spawn_default().await;
    let mut compared = 0;
    for name in ["m_misc", "l_upload"] {
        let trace = load_fixture(&format!("traces/{name}.json"));
        let recorded = trace["events"].as_array().into_iter().flatten().filter(|event| {
            event["kind"] == "http_response"
                && event["path"]
                    .as_str()
                    .is_some_and(|path| path.starts_with("/object_info/"))
        });
        for event in recorded {
            let path = event["path"].as_str().unwrap_or_default();
            let (status, mut ours) = sim.get_json(path).await;
            assert_eq!(status, 200, "{path}");
            let mut expected = event["json"].clone();
            for body in [&mut ours, &mut expected] {
                if let Some(files) = body.pointer_mut("/LoadImage/input/required/image/0") {
                    *files = serde_json::json!([]);
                }
            }
            assert_eq!(ours, expected, "{path}");
            compared += 1;
        }
    }
    assert_eq!(
        compared, 6,
        "SaveImage, DoesNotExist, SaveImageWebsocket, SaveVideo, SlowCounter, LoadImage"
    );
}

/// server.py puts `description` on every class ("" when the node has none).
#[tokio::test]
async fn every_object_info_class_has_a_description() {
    let sim = spawn_default().await;
    let (_, all) = sim.get_json("/object_info").await;
    let classes = all.as_object().expect("object");
    assert!(!classes.is_empty());
    for (class, spec) in classes {
        assert!(spec["description"].is_string(), "{class}");
    }
}

/// api_server/routes/internal/internal_routes.py `get_raw_logs`: the log ring as
/// `{"t": iso time, "m": text}` entries and the terminal size (80x24 without a terminal).
#[tokio::test]
async fn internal_raw_logs_answer_entries_and_terminal_size() {
    let sim = spawn_default().await;
    let (status, logs) = sim.get_json("/internal/logs/raw").await;
    assert_eq!(status, 200);
    assert_eq!(key_set(&logs), ["entries", "size"]);
    assert_eq!(logs["size"], serde_json::json!({"cols": 80, "rows": 24}));
    let entries = logs["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    for entry in entries {
        assert_eq!(key_set(entry), ["m", "t"]);
        assert!(entry["t"].as_str().is_some_and(|time| time.contains('T')));
    }
}
