//! Auto-mapping proposes the rows a person would pick, with a reason for each.

use std::path::PathBuf;

use shotline_model::workflow::{Mapping, Target, auto_map, import_workflow, mappable_inputs};

fn load(relative: &str) -> shotline_model::workflow::ApiWorkflow {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    import_workflow(&text, None).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn rows(mapping: &Mapping, target: Target) -> Vec<String> {
    mapping
        .inputs(target)
        .iter()
        .map(|row| format!("{}.{}", row.node, row.input))
        .collect()
}

fn assert_rows(mapping: &Mapping, expected: &[(Target, &[&str])]) {
    for target in Target::ALL {
        let want: Vec<String> = expected
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, rows)| rows.iter().map(|row| (*row).to_owned()).collect())
            .unwrap_or_default();
        assert_eq!(rows(mapping, target), want, "{}", target.name());
    }
    assert!(mapping.rows().all(|(_, row)| !row.reason.is_empty()));
}

#[test]
fn txt2img_with_lora_maps_prompts_through_sampler_links() {
    let mapping = auto_map(&load("../../fixtures/comfyui/workflows/lora.api.json"));
    assert_rows(
        &mapping,
        &[
            (Target::Prompt, &["6.text"]),
            (Target::Negative, &["7.text"]),
            (Target::Seed, &["3.seed"]),
            (Target::Width, &["5.width"]),
            (Target::Height, &["5.height"]),
            (Target::Frames, &["5.batch_size"]),
            (Target::FilenamePrefix, &["9.filename_prefix"]),
        ],
    );
    assert_eq!(
        mapping.inputs(Target::Negative)[0].reason,
        "its text reaches the negative input of KSampler (KSampler)"
    );
}

#[test]
fn sdxl_base_and_refiner_encoders_both_receive_the_prompt() {
    let mapping = auto_map(&load(
        "../../fixtures/comfyui/workflows/sdxl_simple_example.api.json",
    ));
    assert_rows(
        &mapping,
        &[
            (Target::Prompt, &["6.text", "15.text"]),
            (Target::Negative, &["7.text", "16.text"]),
            (Target::Seed, &["10.noise_seed", "11.noise_seed"]),
            (Target::Width, &["5.width"]),
            (Target::Height, &["5.height"]),
            (Target::Frames, &["5.batch_size"]),
            (Target::FilenamePrefix, &["19.filename_prefix"]),
        ],
    );
}

#[test]
fn img2vid_svd_maps_keyframe_video_size_frames_and_both_frame_rates() {
    let mapping = auto_map(&load("tests/fixtures/workflow/img2vid_svd.api.json"));
    assert_rows(
        &mapping,
        &[
            (Target::Keyframe, &["23.image"]),
            (Target::Seed, &["3.seed"]),
            (Target::Width, &["12.width"]),
            (Target::Height, &["12.height"]),
            (Target::Frames, &["12.video_frames"]),
            (Target::Fps, &["10.fps", "12.fps"]),
            (Target::FilenamePrefix, &["10.filename_prefix"]),
        ],
    );
    assert!(
        mapping.inputs(Target::Keyframe)[0]
            .reason
            .contains("first Load Image")
    );
}

#[test]
fn two_pass_upscale_seeds_both_passes_but_sizes_only_the_first() {
    let mapping = auto_map(&load("tests/fixtures/workflow/two_pass_upscale.api.json"));
    assert_rows(
        &mapping,
        &[
            (Target::Prompt, &["6.text"]),
            (Target::Negative, &["7.text"]),
            (Target::Seed, &["3.seed", "11.seed"]),
            (Target::Width, &["5.width"]),
            (Target::Height, &["5.height"]),
            (Target::Frames, &["5.batch_size"]),
            (Target::FilenamePrefix, &["9.filename_prefix"]),
        ],
    );
}

#[test]
fn encoders_no_sampler_link_decides_are_mapped_by_title() {
    let text = r#"{
        "1": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["9", 1]}, "_meta": {"title": "Scene"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["9", 1]}, "_meta": {"title": "Negative Prompt"}},
        "3": {"class_type": "CustomSampler", "inputs": {"cond_a": ["1", 0], "cond_b": ["2", 0]}},
        "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "x"}},
        "9": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}}
    }"#;
    let mapping = auto_map(&import_workflow(text, None).expect("import"));
    assert_eq!(rows(&mapping, Target::Prompt), ["1.text"]);
    assert_eq!(rows(&mapping, Target::Negative), ["2.text"]);
    assert_eq!(
        mapping.inputs(Target::Negative)[0].reason,
        "its title \"Negative Prompt\" says negative"
    );
}

#[test]
fn prompt_through_a_controlnet_and_a_string_node_reaches_the_text_source() {
    let text = r#"{
        "1": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "a fox"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": ["1", 0], "clip": ["9", 1]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["9", 1]}},
        "6": {"class_type": "ControlNetApplyAdvanced", "inputs": {"positive": ["2", 0], "negative": ["5", 0], "strength": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "positive": ["6", 0], "negative": ["6", 1]}},
        "8": {"class_type": "SaveImage", "inputs": {"images": ["7", 0], "filename_prefix": "x"}},
        "9": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}}
    }"#;
    let mapping = auto_map(&import_workflow(text, None).expect("import"));
    assert_eq!(rows(&mapping, Target::Prompt), ["1.value"]);
    assert_eq!(rows(&mapping, Target::Negative), ["5.text"]);
}

#[test]
fn dropdown_lists_every_literal_input_with_title_class_and_value_but_no_links() {
    let inputs = mappable_inputs(&load("../../fixtures/comfyui/workflows/default.api.json"));
    let seed = inputs
        .iter()
        .find(|input| input.node == "3" && input.input == "seed")
        .expect("seed row");
    assert_eq!(
        (seed.title.as_str(), seed.class_type.as_str()),
        ("KSampler", "KSampler")
    );
    assert_eq!(seed.current, serde_json::json!(156680208700286_u64));
    assert!(
        !inputs
            .iter()
            .any(|input| input.input == "model" || input.input == "clip")
    );
    let nodes: Vec<&str> = inputs.iter().map(|input| input.node.as_str()).collect();
    assert!(
        nodes
            .windows(2)
            .all(|pair| pair[0].parse::<u32>().ok() <= pair[1].parse::<u32>().ok())
    );
}

#[test]
fn mapping_json_lists_every_target_with_node_input_and_reason() {
    let mapping = auto_map(&load("../../fixtures/comfyui/workflows/default.api.json"));
    let json = serde_json::to_value(&mapping).expect("json");
    assert_eq!(json["prompt"][0]["node"], "6");
    assert_eq!(json["prompt"][0]["input"], "text");
    assert!(json["prompt"][0]["reason"].is_string());
    assert_eq!(json["keyframe"], serde_json::json!([]));
    assert_eq!(
        json.as_object().map(|object| object.len()),
        Some(Target::ALL.len())
    );
}
