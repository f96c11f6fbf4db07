//! Every recorded HTTP body parses with the wire type of its route, in every trace.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use shotline_protocol::http::{
    History, InputKind, ObjectInfo, PromptAccepted, PromptErrorKind, PromptRejected, PromptRequest,
    UploadedImage,
};
use shotline_protocol::ws::{FeatureFlags, QueueStatus};
use shotline_protocol::{QueueSnapshot, SystemStats};
use support::{events, read_json, responses, trace, trace_names};

fn parses<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(body.clone())
}

/// The type a JSON answer of this route must parse as; `None` for routes Shotline does
/// not call (/embeddings, /settings, ...).
fn check_route(method: &str, path: &str, status: u64, body: &Value) -> Option<&'static str> {
    let route = path.split('?').next().unwrap();
    let result = match (method, route, status) {
        ("POST", "/prompt", 200) => parses::<PromptAccepted>(body).map(|_| "prompt accepted"),
        ("POST", "/prompt", 400) => parses::<PromptRejected>(body).map(|_| "prompt rejected"),
        ("GET", "/prompt", 200) => parses::<QueueStatus>(body).map(|_| "prompt queue status"),
        ("GET", "/queue", 200) => parses::<QueueSnapshot>(body).map(|_| "queue"),
        ("GET", r, 200) if r.starts_with("/history") => parses::<History>(body).map(|_| "history"),
        ("GET", r, 200) if r.starts_with("/object_info") => parses::<ObjectInfo>(body).map(|_| "object_info"),
        ("GET", "/features", 200) => parses::<FeatureFlags>(body).map(|_| "features"),
        ("GET", "/system_stats" | "/api/system_stats", 200) => {
            parses::<SystemStats>(body).map(|_| "system_stats")
        }
        ("POST", "/upload/image", 200) => parses::<UploadedImage>(body).map(|_| "upload"),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| panic!("{method} {path} {status}: {e}\n{body}")))
}

#[test]
fn every_recorded_json_body_parses_with_its_route_type() {
    let mut parsed: BTreeMap<&str, usize> = BTreeMap::new();
    for name in trace_names() {
        let trace = trace(&name);
        for event in events(&trace)
            .iter()
            .filter(|e| e["json"].is_object() || e["json"].is_array())
        {
            if event["kind"] != "http_response" && event["kind"] != "http_poll" {
                continue;
            }
            let (method, path) = (event["method"].as_str().unwrap(), event["path"].as_str().unwrap());
            if let Some(route) = check_route(method, path, event["status"].as_u64().unwrap(), &event["json"])
            {
                *parsed.entry(route).or_default() += 1;
            }
        }
    }
    for route in [
        "prompt accepted",
        "prompt rejected",
        "prompt queue status",
        "queue",
        "history",
        "object_info",
        "features",
        "system_stats",
        "upload",
    ] {
        assert!(
            parsed.get(route).is_some_and(|n| *n > 0),
            "no {route} body parsed: {parsed:?}"
        );
    }
}

#[test]
fn every_recorded_prompt_request_with_an_id_reads_as_the_request_type() {
    let mut seen = 0;
    for name in trace_names() {
        let trace = trace(&name);
        let requests = events(&trace).iter().filter(|e| {
            e["kind"] == "http_request" && e["path"] == "/prompt" && e["json"]["prompt_id"].is_string()
        });
        for event in requests {
            let request: PromptRequest = parses(&event["json"]).unwrap();
            assert_eq!(
                serde_json::to_value(&request.prompt).unwrap(),
                event["json"]["prompt"],
                "{name}"
            );
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen}");
}

#[test]
fn plain_text_500_and_empty_403_bodies_are_not_mistaken_for_validation_errors() {
    let c = trace("c_validation_error.json");
    let server_errors: Vec<_> = responses(&c, "POST", "/prompt")
        .into_iter()
        .filter(|e| e["status"] == 500)
        .collect();
    assert_eq!(server_errors.len(), 2);
    for event in server_errors {
        assert!(serde_json::from_str::<PromptRejected>(event["text"].as_str().unwrap()).is_err());
    }
    let k = trace("k_origin_403.json");
    let refused = responses(&k, "POST", "/prompt")
        .into_iter()
        .find(|e| e["status"] == 403)
        .unwrap();
    assert!(serde_json::from_str::<PromptRejected>(refused["text"].as_str().unwrap()).is_err());
}

#[test]
fn validation_error_kinds_read_both_old_and_new_names() {
    let c = trace("c_validation_error.json");
    let kinds: Vec<PromptErrorKind> = responses(&c, "POST", "/prompt")
        .into_iter()
        .filter(|e| e["status"] == 400)
        .map(|e| parses::<PromptRejected>(&e["json"]).unwrap().error.kind())
        .collect();
    assert_eq!(kinds[0], PromptErrorKind::InvalidPrompt);
    assert_eq!(kinds[1], PromptErrorKind::NoOutputs);
    assert!(kinds.contains(&PromptErrorKind::OutputsFailedValidation));
    assert!(kinds.contains(&PromptErrorKind::NoPrompt));
    let rejected: PromptRejected = parses(&responses(&c, "POST", "/prompt")[2]["json"]).unwrap();
    assert_eq!(rejected.node_errors["1"].errors[0].input_name(), Some("width"));
}

#[test]
fn upload_answers_carry_the_name_to_use_after_a_clash() {
    let l = trace("l_upload.json");
    let names: Vec<String> = responses(&l, "POST", "/upload/image")
        .into_iter()
        .filter(|e| e["status"] == 200)
        .map(|e| parses::<UploadedImage>(&e["json"]).unwrap().load_image_value())
        .collect();
    assert_eq!(names[1], "trace_upload (1).png");
    assert_eq!(
        names[2], "trace_upload.png",
        "identical bytes keep the existing name"
    );
    assert!(names.contains(&"tracesub/trace_upload.png".to_owned()));
}

#[test]
fn object_info_input_specs_read_types_ranges_and_both_combo_forms() {
    let full: ObjectInfo = serde_json::from_value(read_json("object_info_full.json")).unwrap();
    assert_eq!(full.len(), 481);
    assert_eq!(full["SaveImage"].title(), "Save Image");
    let sampler = &full["KSampler"];
    let seed = sampler.input_spec("seed").unwrap();
    assert_eq!(seed.kind, InputKind::Type("INT"));
    assert_eq!(seed.option("max").and_then(Value::as_u64), Some(u64::MAX));
    let InputKind::Combo(samplers) = sampler.input_spec("sampler_name").unwrap().kind else {
        panic!("sampler_name is a legacy combo");
    };
    assert!(samplers.contains(&Value::from("euler")));
    let m = trace("m_misc.json");
    let save_video: ObjectInfo = parses(&responses(&m, "GET", "/object_info/SaveVideo")[0]["json"]).unwrap();
    let InputKind::Combo(formats) = save_video["SaveVideo"].input_spec("format").unwrap().kind else {
        panic!("format is a COMBO with options");
    };
    assert_eq!(formats, [Value::from("auto"), Value::from("mp4")]);
    assert!(save_video["SaveVideo"].output_node);
    assert!(save_video["SaveVideo"].input_spec("no_such_input").is_none());
    let unknown: ObjectInfo = parses(&responses(&m, "GET", "/object_info/DoesNotExist")[0]["json"]).unwrap();
    assert!(unknown.is_empty());
}

#[test]
fn history_list_reads_entries_with_their_float_numbers_and_verdicts() {
    let m = trace("m_misc.json");
    let newest: History = parses(&responses(&m, "GET", "/history?max_items=2")[0]["json"]).unwrap();
    assert_eq!(newest.0.len(), 2);
    let oldest: History = parses(&responses(&m, "GET", "/history?max_items=1&offset=0")[0]["json"]).unwrap();
    let entry = oldest.entry("79cba685-e139-4dcb-86f8-452f71e5e3b4").unwrap();
    assert_eq!(entry.prompt.number, 0.0);
    assert_eq!(entry.output_files()[0].filename, "trace_a_00003_.png");
    assert_eq!(entry.meta["2"].display_node.as_deref(), Some("2"));
    let unknown: History = parses(&responses(&m, "GET", "/history/d1d4ae6c")[0]["json"]).unwrap();
    assert!(unknown.0.is_empty());
}
