//! The bundled profiles import, pass preflight on the reference server (model files
//! aside) and auto-map the rows the app relies on.

use std::path::PathBuf;

use shotline_model::workflow::{
    BUNDLED_PROFILES, Mapping, ObjectInfo, ProblemKind, Target, bundled_profile, preflight,
};

fn object_info() -> ObjectInfo {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/comfyui/object_info_full.json");
    ObjectInfo::from_json_str(&std::fs::read_to_string(path).expect("fixture")).expect("object info")
}

fn mapping_of(id: &str) -> Mapping {
    bundled_profile(id)
        .expect("bundled")
        .profile()
        .expect("imports")
        .mapping
}

fn rows(mapping: &Mapping, target: Target) -> Vec<String> {
    mapping
        .inputs(target)
        .iter()
        .map(|row| format!("{}.{}", row.node, row.input))
        .collect()
}

#[test]
fn weight_free_profiles_pass_preflight_without_any_problem() {
    let info = object_info();
    for profile in BUNDLED_PROFILES.iter().filter(|profile| !profile.needs_models) {
        let profile = profile.profile().expect("imports");
        assert_eq!(
            preflight(&profile.workflow, &profile.mapping, &info),
            [],
            "{}",
            profile.name
        );
    }
}

#[test]
fn model_profiles_only_miss_model_files_on_a_server_without_models() {
    let info = object_info();
    for profile in BUNDLED_PROFILES.iter().filter(|profile| profile.needs_models) {
        let profile = profile.profile().expect("imports");
        let problems = preflight(&profile.workflow, &profile.mapping, &info);
        assert!(!problems.is_empty(), "{}", profile.name);
        assert!(
            problems
                .iter()
                .all(|problem| problem.kind == ProblemKind::NotInList
                    && problem.sentence.contains(".safetensors")),
            "{problems:#?}"
        );
    }
}

#[test]
fn bundled_ids_are_unique_and_found_by_id() {
    for profile in &BUNDLED_PROFILES {
        assert_eq!(bundled_profile(profile.id), Some(profile));
    }
    assert_eq!(bundled_profile("nope"), None);
}

#[test]
fn txt2img_maps_prompt_negative_seed_size_and_prefix() {
    let mapping = mapping_of("txt2img_sd");
    assert_eq!(rows(&mapping, Target::Prompt), ["6.text"]);
    assert_eq!(rows(&mapping, Target::Negative), ["7.text"]);
    assert_eq!(rows(&mapping, Target::Seed), ["3.seed"]);
    assert_eq!(
        (rows(&mapping, Target::Width), rows(&mapping, Target::Height)),
        (vec!["5.width".to_owned()], vec!["5.height".to_owned()])
    );
    assert_eq!(rows(&mapping, Target::FilenamePrefix), ["9.filename_prefix"]);
    assert_eq!(rows(&mapping, Target::Keyframe), Vec::<String>::new());
}

#[test]
fn img2vid_maps_the_keyframe_to_its_load_image() {
    let mapping = mapping_of("img2vid_svd");
    assert_eq!(rows(&mapping, Target::Keyframe), ["2.image"]);
    assert_eq!(rows(&mapping, Target::Seed), ["5.seed"]);
    assert_eq!(rows(&mapping, Target::Frames), ["3.video_frames"]);
    assert_eq!(rows(&mapping, Target::Fps), ["3.fps", "7.fps"]);
    assert_eq!(rows(&mapping, Target::Width), ["3.width"]);
    assert_eq!(rows(&mapping, Target::FilenamePrefix), ["7.filename_prefix"]);
    assert_eq!(rows(&mapping, Target::Prompt), Vec::<String>::new());
}

#[test]
fn still_on_the_simulator_maps_size_and_prefix() {
    let mapping = mapping_of("sim_still");
    assert_eq!(rows(&mapping, Target::Width), ["1.width"]);
    assert_eq!(rows(&mapping, Target::Height), ["1.height"]);
    assert_eq!(rows(&mapping, Target::Frames), ["1.batch_size"]);
    assert_eq!(rows(&mapping, Target::FilenamePrefix), ["2.filename_prefix"]);
}

#[test]
fn webp_animation_on_the_simulator_maps_frames_and_fps() {
    let mapping = mapping_of("sim_frames_webp");
    assert_eq!(rows(&mapping, Target::Frames), ["1.batch_size"]);
    assert_eq!(rows(&mapping, Target::Fps), ["2.fps"]);
    assert_eq!(rows(&mapping, Target::FilenamePrefix), ["2.filename_prefix"]);
}

#[test]
fn video_on_the_simulator_maps_frames_create_video_fps_and_save_video_prefix() {
    let mapping = mapping_of("sim_video");
    assert_eq!(rows(&mapping, Target::Frames), ["1.batch_size"]);
    assert_eq!(rows(&mapping, Target::Fps), ["2.fps"]);
    assert_eq!(rows(&mapping, Target::FilenamePrefix), ["3.filename_prefix"]);
    assert_eq!(rows(&mapping, Target::Seed), Vec::<String>::new());
}
