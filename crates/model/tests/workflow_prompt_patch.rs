//! Prompt building and patching: a documented order, and text that reaches the workflow
//! byte for byte.

use std::path::PathBuf;

use serde_json::{Value, json};
use shotline_model::workflow::{
    ApiWorkflow, PatchError, ShotText, ShotValues, Target, auto_map, build_prompt_text, import_workflow,
    patch_workflow, uploaded_image_name,
};

fn default_workflow() -> ApiWorkflow {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/comfyui/workflows/default.api.json");
    import_workflow(&std::fs::read_to_string(path).expect("fixture"), None).expect("import")
}

fn svd_workflow() -> ApiWorkflow {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workflow/img2vid_svd.api.json");
    import_workflow(&std::fs::read_to_string(path).expect("fixture"), None).expect("import")
}

#[test]
fn prompt_is_shot_then_enhancers_then_scene_then_style() {
    let shot = ShotText {
        prompt: "a red fox in snow".into(),
        negative: "blurry".into(),
        enhancers: vec!["golden hour".into(), "35mm film".into()],
        scene_prompt: "winter forest".into(),
        scene_negative: "people".into(),
        style_prompt: "muted palette".into(),
        style_negative: "text, watermark".into(),
    };
    let text = build_prompt_text(&shot);
    assert_eq!(
        text.prompt,
        "a red fox in snow, golden hour, 35mm film, winter forest, muted palette"
    );
    assert_eq!(text.negative, "blurry, people, text, watermark");
}

#[test]
fn blank_parts_and_repeats_are_left_out_and_parts_are_trimmed() {
    let shot = ShotText {
        prompt: "  a fox \n".into(),
        enhancers: vec!["".into(), "cinematic".into(), "   ".into()],
        style_prompt: "cinematic".into(),
        ..ShotText::default()
    };
    let text = build_prompt_text(&shot);
    assert_eq!(text.prompt, "a fox, cinematic");
    assert_eq!(text.negative, "");
}

#[test]
fn hostile_prompt_text_reaches_the_workflow_json_byte_for_byte() {
    let prompt =
        "say \"cheese\" 'now'\nline two\ttab \\ backslash 🎬🦊 <script>alert(1)</script> &amp; {\"x\": 1}";
    let text = build_prompt_text(&ShotText {
        prompt: prompt.into(),
        ..ShotText::default()
    });
    assert_eq!(text.prompt, prompt);
    let workflow = default_workflow();
    let values = ShotValues {
        prompt: Some(text.prompt),
        ..ShotValues::default()
    };
    let patched = patch_workflow(&workflow, &auto_map(&workflow), &values).expect("patch");
    let sent = patched.to_json_pretty();
    let received: Value = serde_json::from_str(&sent).expect("valid JSON");
    assert_eq!(received["6"]["inputs"]["text"].as_str(), Some(prompt));
    assert!(
        !sent.contains("&lt;") && sent.contains("<script>"),
        "no HTML escaping"
    );
}

#[test]
fn patch_writes_every_mapped_value_into_a_copy() {
    let workflow = default_workflow();
    let mut mapping = auto_map(&workflow);
    mapping.add(
        Target::Steps,
        shotline_model::workflow::MappedInput {
            node: "3".into(),
            input: "steps".into(),
            reason: "chosen by hand".into(),
        },
    );
    mapping.add(
        Target::Cfg,
        shotline_model::workflow::MappedInput {
            node: "3".into(),
            input: "cfg".into(),
            reason: "chosen by hand".into(),
        },
    );
    let values = ShotValues {
        prompt: Some("a fox".into()),
        negative: Some("blur".into()),
        seed: Some(u64::MAX),
        steps: Some(30),
        cfg: Some(6.5),
        width: Some(768),
        height: Some(432),
        frames: Some(2),
        filename_prefix: Some("shotline/scene-1/shot-2".into()),
        ..ShotValues::default()
    };
    let patched = patch_workflow(&workflow, &mapping, &values)
        .expect("patch")
        .to_value();
    assert_eq!(patched["6"]["inputs"]["text"], "a fox");
    assert_eq!(patched["7"]["inputs"]["text"], "blur");
    assert_eq!(patched["3"]["inputs"]["seed"], json!(18446744073709551615_u64));
    assert_eq!(patched["3"]["inputs"]["steps"], 30);
    assert_eq!(patched["3"]["inputs"]["cfg"], 6.5);
    assert_eq!(
        (
            patched["5"]["inputs"]["width"].clone(),
            patched["5"]["inputs"]["height"].clone()
        ),
        (json!(768), json!(432))
    );
    assert_eq!(patched["5"]["inputs"]["batch_size"], 2);
    assert_eq!(
        patched["9"]["inputs"]["filename_prefix"],
        "shotline/scene-1/shot-2"
    );
    assert_eq!(
        patched["3"]["inputs"]["model"],
        json!(["4", 0]),
        "links untouched"
    );
}

#[test]
fn largest_seed_survives_the_json_round_trip_exactly() {
    let workflow = default_workflow();
    let values = ShotValues {
        seed: Some(0xffff_ffff_ffff_ffff),
        ..ShotValues::default()
    };
    let sent = patch_workflow(&workflow, &auto_map(&workflow), &values)
        .expect("patch")
        .to_json_pretty();
    assert!(sent.contains("\"seed\": 18446744073709551615"), "{sent}");
}

#[test]
fn unset_values_leave_the_workflow_as_it_was() {
    let workflow = default_workflow();
    let patched = patch_workflow(&workflow, &auto_map(&workflow), &ShotValues::default()).expect("patch");
    assert_eq!(patched, workflow);
}

#[test]
fn keyframe_and_frame_rate_reach_svd_with_integer_fps_kept_integer() {
    let workflow = svd_workflow();
    let values = ShotValues {
        keyframe: Some(uploaded_image_name("shot-3.png", "shotline")),
        fps: Some(8.0),
        frames: Some(14),
        ..ShotValues::default()
    };
    let patched = patch_workflow(&workflow, &auto_map(&workflow), &values)
        .expect("patch")
        .to_value();
    assert_eq!(patched["23"]["inputs"]["image"], "shotline/shot-3.png");
    assert_eq!(
        patched["12"]["inputs"]["fps"],
        json!(8),
        "SVD's fps is an INT input"
    );
    assert_eq!(
        patched["10"]["inputs"]["fps"],
        json!(8),
        "the saver held an integer too"
    );
    assert_eq!(patched["12"]["inputs"]["video_frames"], 14);
}

#[test]
fn fractional_frame_rate_is_written_as_a_float() {
    let workflow = svd_workflow();
    let values = ShotValues {
        fps: Some(23.976),
        ..ShotValues::default()
    };
    let patched = patch_workflow(&workflow, &auto_map(&workflow), &values)
        .expect("patch")
        .to_value();
    assert_eq!(patched["10"]["inputs"]["fps"], json!(23.976));
}

#[test]
fn patching_a_linked_input_or_a_missing_node_fails_with_a_sentence() {
    let workflow = default_workflow();
    let mut mapping = auto_map(&workflow);
    mapping.set(
        Target::Prompt,
        vec![shotline_model::workflow::MappedInput {
            node: "6".into(),
            input: "clip".into(),
            reason: String::new(),
        }],
    );
    let values = ShotValues {
        prompt: Some("x".into()),
        ..ShotValues::default()
    };
    let error = patch_workflow(&workflow, &mapping, &values).expect_err("linked");
    assert_eq!(
        error.to_string(),
        "The prompt is mapped to input \"clip\" of node 6, which is fed by another node."
    );
    mapping.set(
        Target::Prompt,
        vec![shotline_model::workflow::MappedInput {
            node: "60".into(),
            input: "text".into(),
            reason: String::new(),
        }],
    );
    let error = patch_workflow(&workflow, &mapping, &values).expect_err("missing");
    assert_eq!(
        error,
        PatchError::MappedNodeMissing {
            target: "prompt",
            node: "60".into()
        }
    );
}

#[test]
fn non_finite_cfg_is_refused() {
    let workflow = default_workflow();
    let mut mapping = auto_map(&workflow);
    mapping.add(
        Target::Cfg,
        shotline_model::workflow::MappedInput {
            node: "3".into(),
            input: "cfg".into(),
            reason: String::new(),
        },
    );
    let values = ShotValues {
        cfg: Some(f64::NAN),
        ..ShotValues::default()
    };
    assert_eq!(
        patch_workflow(&workflow, &mapping, &values),
        Err(PatchError::NotFinite { target: "cfg" })
    );
}
