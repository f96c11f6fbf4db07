//! "Test connection" summaries built from recorded answers and from GPU-shaped ones.

mod support;

use serde_json::{Value, json};
use shotline_protocol::server_report::{
    Capability, LOW_VRAM_FREE_BYTES, ServerReport, capabilities, format_bytes, is_low_vram, one_decimal,
    vram_summary,
};
use shotline_protocol::ws::FeatureFlags;
use shotline_protocol::{QueueSnapshot, SystemStats};
use support::{responses, trace};

const GIB: u64 = 1024 * 1024 * 1024;

fn first_body<T: serde::de::DeserializeOwned>(trace_name: &str, path: &str) -> T {
    let trace = trace(trace_name);
    let answer = responses(&trace, "GET", path)
        .into_iter()
        .find(|event| event["json"].is_object())
        .unwrap_or_else(|| panic!("{trace_name} has a JSON answer to {path}"));
    serde_json::from_value(answer["json"].clone()).unwrap()
}

fn gpu_stats(vram_total: u64, vram_free: u64) -> SystemStats {
    serde_json::from_value(json!({
        "system": {"comfyui_version": "0.3.66", "argv": ["main.py"]},
        "devices": [{
            "name": "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
            "type": "cuda", "index": 0, "vram_total": vram_total, "vram_free": vram_free
        }]
    }))
    .unwrap()
}

#[test]
fn recorded_answers_give_version_device_queue_and_flags() {
    let stats: SystemStats = first_body("m_misc.json", "/system_stats");
    let features: FeatureFlags = first_body("m_misc.json", "/features");
    let queue: QueueSnapshot = first_body("d_queue_positions.json", "/queue");

    let report = ServerReport::new(&stats, Some(&features), &queue);

    assert_eq!(report.comfyui_version, "0.3.64");
    let device = report.device.as_ref().expect("the trace lists a device");
    assert_eq!(
        (device.name.as_str(), device.device_type.as_str()),
        ("cpu", "cpu")
    );
    assert!(device.is_cpu());
    assert_eq!(
        device.vram_summary().as_deref(),
        Some("22.5 GiB free of 23.5 GiB")
    );
    assert_eq!((report.queue_running, report.queue_pending), (1, 6));
    assert_eq!(report.queue_length(), 7);
    assert_eq!(
        report.capabilities,
        Some(vec![
            Capability {
                name: "supports_preview_metadata".into(),
                value: "yes".into()
            },
            Capability {
                name: "max_upload_size".into(),
                value: "100.0 MiB".into()
            },
        ])
    );
    assert!(!report.is_simulator, "a real ComfyUI recorded this");
}

#[test]
fn a_server_without_the_features_route_reports_no_capabilities_rather_than_none_supported() {
    let report = ServerReport::new(&gpu_stats(24 * GIB, 20 * GIB), None, &QueueSnapshot::default());
    assert_eq!(report.capabilities, None);
    assert_eq!(report.queue_length(), 0);
}

#[test]
fn the_simulator_is_recognised_by_its_device_name() {
    let stats: SystemStats = serde_json::from_value(json!({
        "system": {"comfyui_version": "0.3.64", "argv": []},
        "devices": [{"name": "comfy-sim (simulated CPU)", "type": "cpu", "vram_total": 8, "vram_free": 4}]
    }))
    .unwrap();
    assert!(ServerReport::new(&stats, None, &QueueSnapshot::default()).is_simulator);
}

#[test]
fn a_gpu_with_less_than_4_gib_free_is_low_on_vram() {
    let busy = ServerReport::new(&gpu_stats(24 * GIB, 3 * GIB), None, &QueueSnapshot::default());
    let device = busy.device.unwrap();
    assert!(device.is_low_vram());
    assert_eq!(device.vram_summary().as_deref(), Some("3.0 GiB free of 24.0 GiB"));

    assert!(!is_low_vram("cuda", 24 * GIB, LOW_VRAM_FREE_BYTES));
    assert!(is_low_vram("cuda", 24 * GIB, LOW_VRAM_FREE_BYTES - 1));
}

#[test]
fn a_cpu_device_or_one_without_memory_figures_is_never_low_on_vram() {
    assert!(
        !is_low_vram("cpu", 8 * GIB, GIB),
        "a CPU's figures are system RAM"
    );
    assert!(!is_low_vram("cuda", 0, 0), "no figures, no warning");
    assert_eq!(vram_summary(0, 0), None);
}

#[test]
fn byte_counts_read_in_binary_units_with_one_decimal() {
    assert_eq!(format_bytes(0), "0 B");
    assert_eq!(format_bytes(1023), "1023 B");
    assert_eq!(format_bytes(1536), "1.5 KiB");
    assert_eq!(format_bytes(104_857_600), "100.0 MiB");
    assert_eq!(format_bytes(25_276_502_016), "23.5 GiB");
    assert_eq!(format_bytes(3 * 1024 * GIB), "3.0 TiB");
}

#[test]
fn one_decimal_rounds_to_the_nearest_tenth() {
    assert_eq!(one_decimal(0.0), "0.0");
    assert_eq!(one_decimal(2.34), "2.3");
    assert_eq!(one_decimal(2.36), "2.4");
    assert_eq!(one_decimal(9.96), "10.0");
    assert_eq!(one_decimal(12345.04), "12345.0");
    assert_eq!(one_decimal(-1.26), "-1.3");
    assert_eq!(one_decimal(-0.26), "-0.3");
}

#[test]
fn unknown_and_nested_flags_are_listed_after_the_known_ones() {
    let features: FeatureFlags = serde_json::from_value(json!({
        "supports_preview_metadata": false,
        "extension": {"manager": {"supports_v4": true}},
        "max_upload_size": 2_147_483_648u64,
        "node_replacements_size": 1024,
        "queue_modes": ["front", "back"],
        "build": "<b>nightly</b>",
        "note": "x".repeat(200),
    }))
    .unwrap();

    let list = capabilities(&features);
    let pairs: Vec<(&str, &str)> = list.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect();
    assert_eq!(
        &pairs[..2],
        &[
            ("supports_preview_metadata", "no"),
            ("max_upload_size", "2.0 GiB")
        ]
    );
    assert!(pairs.contains(&("extension.manager.supports_v4", "yes")));
    assert!(pairs.contains(&("node_replacements_size", "1.0 KiB")));
    assert!(pairs.contains(&("queue_modes", "front, back")));
    assert!(
        pairs.contains(&("build", "<b>nightly</b>")),
        "kept verbatim: the view shows it as text"
    );
    let note = list.iter().find(|c| c.name == "note").unwrap();
    assert_eq!(note.value.chars().count(), 80, "long values are shortened");
    assert!(note.value.ends_with('…'));
}

#[test]
fn a_server_listing_hundreds_of_flags_shows_a_bounded_list() {
    let many: serde_json::Map<String, Value> =
        (0..300).map(|i| (format!("flag_{i:03}"), json!(true))).collect();
    let features: FeatureFlags = serde_json::from_value(Value::Object(many)).unwrap();
    assert_eq!(capabilities(&features).len(), 24);
}
