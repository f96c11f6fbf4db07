//! The workflows hook against comfy-sim (started without `--fake-models`): node lists and
//! preflight, UI-format import, keyframe uploads, and built prompts that really run.
#![cfg(target_arch = "wasm32")]

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use leptos::prelude::*;
use shotline::comfy::ComfyClient;
use shotline::generation::{Generation, JobView, provide_generation};
use shotline::project::ProjectData;
use shotline::storage::Storage;
use shotline::workflows::{BuildError, Stage, StagedRun, WorkflowError, Workflows};
use shotline_model::project::{Action, MediaId, ProfileId, Seed, ShotId};
use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::{ProblemKind, Target};
use shotline_protocol::JobState;
use support::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A 1×1 PNG; tests append random bytes after its end so each run has a new hash.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// LoadImage → SaveImage: the smallest workflow that takes a keyframe.
const KEYFRAME_WORKFLOW: &str = r#"{
  "1": {"class_type": "LoadImage", "inputs": {"image": "placeholder.png"}, "_meta": {"title": "Start Frame"}},
  "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "wasm_keyframe"}}
}"#;

/// The editor's format of EmptyImage → SaveImage, as ComfyUI's "Save" writes it.
const UI_WORKFLOW: &str = r#"{
  "last_node_id": 2, "last_link_id": 1, "version": 0.4,
  "nodes": [
    {"id": 1, "type": "EmptyImage", "mode": 0, "title": "Backdrop",
     "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}],
     "widgets_values": [96, 48, 1, 255]},
    {"id": 2, "type": "SaveImage", "mode": 0,
     "inputs": [{"name": "images", "type": "IMAGE", "link": 1}],
     "widgets_values": ["wasm_ui_import"]}
  ],
  "links": [[1, 1, 0, 2, 0, "IMAGE"]]
}"#;

/// EmptyImage → SaveImage with a colour no earlier run used, so the sim's cache cannot
/// skip the nodes (a fault on a node class acts only when the node runs).
fn uncached_still_workflow() -> String {
    serde_json::json!({
        "1": {
            "class_type": "EmptyImage",
            "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": fresh_color()}
        },
        "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "wasm_stage_one"}}
    })
    .to_string()
}

/// The job record is saved after the view changes; a few reads cover that gap.
const MANIFEST_READS_MAX: u32 = 40;
const MANIFEST_READ_PAUSE_MS: u32 = 50;

struct Setup {
    data: ProjectData,
    storage: Storage,
    generation: Generation,
    workflows: Workflows,
}

/// A project in a database of its own, and the hook over it.
async fn setup() -> Setup {
    Owner::new().set();
    let storage = Storage::open(&format!("shotline-workflows-{}", uuid::Uuid::new_v4()))
        .await
        .expect("IndexedDB opens");
    let data = ProjectData::new(Ok(storage));
    data.restore().await.expect("a project opens");
    let generation = provide_generation(Some(storage));
    let workflows = Workflows::new(data, Some(storage), generation);
    Setup {
        data,
        storage,
        generation,
        workflows,
    }
}

fn first_shot(data: &ProjectData) -> ShotId {
    data.with_project(|p| p.scenes[0].shots[0].id.clone())
        .expect("a project is open")
}

/// Stores a PNG no earlier run stored and returns its media id (= its sha-256).
async fn store_unique_png(setup: &Setup) -> MediaId {
    let mut bytes = BASE64.decode(PNG_BASE64).expect("valid base64");
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let data_url = format!("data:image/png;base64,{}", BASE64.encode(&bytes));
    let project = setup.data.project_id().expect("open").to_string();
    setup
        .storage
        .put_media(&project, "image/png", &data_url, bytes.len() as u64)
        .await
        .expect("media saved")
}

/// A shot with `keyframe`, generating through the LoadImage → SaveImage profile.
async fn keyframe_shot(setup: &Setup, keyframe: &MediaId) -> ShotId {
    let shot = first_shot(&setup.data);
    setup
        .workflows
        .import_text(KEYFRAME_WORKFLOW, Some("keyframe.api.json"), &sim_url())
        .await
        .expect("imports");
    setup
        .data
        .apply(Action::SetKeyframe {
            shot: shot.clone(),
            keyframe: Some(keyframe.clone()),
        })
        .expect("keyframe set");
    shot
}

async fn build(setup: &Setup, shot: &ShotId) -> Result<shotline::generation::ShotRequest, BuildError> {
    let project = setup.data.with_project_untracked().expect("open");
    setup.workflows.build_request(&project, shot, &sim_url()).await
}

fn load_image_value(request: &shotline::generation::ShotRequest) -> String {
    request.prompt["1"].inputs["image"]
        .as_str()
        .expect("LoadImage.image is text")
        .to_owned()
}

/// Whether the simulator still holds an unused HTTP fault (an upload would have used it).
async fn http_fault_pending() -> bool {
    !sim_json("/sim/faults").await["http"].is_null()
}

/// JSON equality where `12` equals `12.0`: JSON has one number type, and IndexedDB's
/// round trip through JavaScript numbers writes whole floats without the fraction.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(xs), Value::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(key, x)| ys.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

async fn wait_for_end(generation: &Generation, prompt_id: &str) -> JobView {
    wait_for("the job to end", || {
        generation
            .job(prompt_id)
            .map(|view| view.get_untracked())
            .filter(JobView::is_finished)
    })
    .await
}

#[wasm_bindgen_test]
async fn weight_free_bundled_profiles_pass_preflight_on_the_sim() {
    fresh_sim().await;
    let setup = setup().await;
    for bundled in ["sim_still", "sim_frames_webp", "sim_video"] {
        let id = setup.workflows.import_bundled(bundled).expect("bundled imports");
        let problems = setup
            .workflows
            .check_profile(&sim_url(), &id)
            .await
            .expect("checked");
        assert!(problems.is_empty(), "{bundled}: {problems:?}");
    }
}

#[wasm_bindgen_test]
async fn preflight_of_text_to_image_on_a_sim_without_models_names_the_missing_checkpoint_loader() {
    fresh_sim().await;
    let setup = setup().await;
    let id = setup
        .workflows
        .import_bundled("txt2img_sd")
        .expect("bundled imports");
    let problems = setup
        .workflows
        .check_profile(&sim_url(), &id)
        .await
        .expect("checked");
    let loader = problems
        .iter()
        .find(|problem| {
            problem.kind == ProblemKind::UnknownClass && problem.sentence.contains("CheckpointLoaderSimple")
        })
        .unwrap_or_else(|| panic!("no class-not-found problem for the loader in {problems:?}"));
    let shown = loader.to_string();
    assert!(shown.starts_with("Node "), "names the node: {shown}");
    assert!(shown.contains("Fix:"), "says the fix: {shown}");
}

#[wasm_bindgen_test]
async fn a_ui_format_workflow_is_converted_with_the_sims_node_list() {
    fresh_sim().await;
    let setup = setup().await;
    let id = setup
        .workflows
        .import_text(UI_WORKFLOW, Some("backdrop.json"), &sim_url())
        .await
        .expect("converted");
    let (name, workflow) = setup
        .data
        .with_project(|p| {
            let profile = p.profiles.iter().find(|profile| profile.id == id).expect("added");
            (profile.name.clone(), profile.workflow.clone())
        })
        .expect("open");
    assert_eq!(name, "backdrop");
    assert_eq!(workflow["1"]["class_type"], "EmptyImage");
    assert_eq!(workflow["1"]["inputs"]["width"], 96);
    assert_eq!(workflow["1"]["inputs"]["color"], 255);
    assert_eq!(workflow["2"]["inputs"]["images"], serde_json::json!(["1", 0]));
    assert_eq!(workflow["2"]["inputs"]["filename_prefix"], "wasm_ui_import");
}

#[wasm_bindgen_test]
async fn a_ui_format_workflow_without_a_reachable_server_explains_the_api_export() {
    let setup = setup().await;
    let nobody = ServerUrl::parse("http://127.0.0.1:9").expect("an address");
    let error = setup
        .workflows
        .import_text(UI_WORKFLOW, None, &nobody)
        .await
        .expect_err("cannot convert without a node list");
    assert!(
        matches!(error, WorkflowError::UiFormatServerUnavailable { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("Export (API)"), "{error}");
    assert!(setup.data.with_project(|p| p.profiles.is_empty()).expect("open"));
}

#[wasm_bindgen_test]
async fn importing_the_first_workflow_makes_it_the_shot_workflow_in_one_undo_step() {
    let setup = setup().await;
    let id = setup.workflows.import_bundled("sim_still").expect("imports");
    let stages = setup.data.with_project(|p| p.stages.clone()).expect("open");
    assert_eq!(stages.shot, Some(id));
    assert!(setup.data.undo());
    let (profiles, stages) = setup
        .data
        .with_project(|p| (p.profiles.len(), p.stages.clone()))
        .expect("open");
    assert_eq!((profiles, stages.shot), (0, None));
}

#[wasm_bindgen_test]
async fn a_keyframe_is_uploaded_once_and_the_name_the_server_returned_feeds_load_image() {
    fresh_sim().await;
    let setup = setup().await;
    let keyframe = store_unique_png(&setup).await;
    // Another file already holds the stable name, so the server renames the upload.
    let stable_name = format!("shotline_{}.png", &keyframe.as_str()[..16]);
    ComfyClient::new(sim_url())
        .upload_image(&stable_name, b"a different image", "image/png")
        .await
        .expect("decoy uploaded");
    let shot = keyframe_shot(&setup, &keyframe).await;

    let first = build(&setup, &shot).await.expect("builds");
    let renamed = format!("shotline_{} (1).png", &keyframe.as_str()[..16]);
    assert_eq!(load_image_value(&first), renamed);

    // Any upload now fails with 500: a second build that uploads again cannot succeed.
    set_faults(serde_json::json!({"http": {"path": "/upload/image", "status": 500, "times": 1}})).await;
    let second = build(&setup, &shot).await.expect("builds without uploading");
    assert_eq!(load_image_value(&second), renamed);
    assert!(
        http_fault_pending().await,
        "the second build posted /upload/image"
    );

    // A reload (a new hook over the same database) remembers the upload too.
    let reloaded = Workflows::new(
        setup.data,
        Some(setup.storage),
        provide_generation(Some(setup.storage)),
    );
    let project = setup.data.with_project_untracked().expect("open");
    let third = reloaded
        .build_request(&project, &shot, &sim_url())
        .await
        .expect("builds without uploading");
    assert_eq!(load_image_value(&third), renamed);
    assert!(
        http_fault_pending().await,
        "the build after a reload posted /upload/image"
    );
    clear_faults().await;
}

/// The files ComfyUI's Load Image offers: its input folder, as `/object_info` lists it.
async fn input_files() -> Vec<String> {
    let info = sim_json("/object_info/LoadImage").await;
    serde_json::from_value(info["LoadImage"]["input"]["required"]["image"][0].clone()).expect("a file list")
}

/// Generates the shot as the Generate button does and waits for the take to end.
async fn generate_take(setup: &Setup, shot: &ShotId) -> JobView {
    let take = setup
        .workflows
        .generate_with_stages(setup.generation, shot, &sim_url(), |_| {})
        .await
        .expect("submits");
    wait_for_end(&setup.generation, &take).await
}

fn is_done(view: &JobView) -> bool {
    matches!(view.state, JobState::Done { .. })
}

fn uploaded_again_notice(view: &JobView) -> bool {
    view.notices
        .iter()
        .any(|notice| notice.contains("uploaded it again"))
}

#[wasm_bindgen_test]
async fn a_keyframe_shot_after_the_servers_input_folder_was_emptied_uploads_it_again_and_ends_done() {
    fresh_sim().await;
    let setup = setup().await;
    let keyframe = store_unique_png(&setup).await;
    let shot = keyframe_shot(&setup, &keyframe).await;
    let file = format!("shotline_{}.png", &keyframe.as_str()[..16]);

    let first = generate_take(&setup, &shot).await;
    assert!(is_done(&first), "first take ended {:?}", first.state);
    assert!(input_files().await.contains(&file), "the keyframe was uploaded");

    set_faults(serde_json::json!({"clear_input": true})).await;
    assert!(!input_files().await.contains(&file), "the input folder is empty");

    let second = generate_take(&setup, &shot).await;
    assert!(
        is_done(&second),
        "after the clean-up the take ended {:?}",
        second.state
    );
    assert!(
        input_files().await.contains(&file),
        "the keyframe is in the input folder again: a second upload"
    );
    assert!(
        uploaded_again_notice(&second),
        "the card says why: {:?}",
        second.notices
    );
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn a_server_that_keeps_losing_the_keyframe_fails_the_take_after_one_upload_again_and_retry_works() {
    fresh_sim().await;
    let setup = setup().await;
    let keyframe = store_unique_png(&setup).await;
    let shot = keyframe_shot(&setup, &keyframe).await;
    const LOST: u64 = 3;
    set_faults(serde_json::json!({"lose_uploads": LOST})).await;

    let failed = generate_take(&setup, &shot).await;
    let JobState::Failed {
        node, kind, message, ..
    } = &failed.state
    else {
        panic!("a server that keeps losing the keyframe ended {:?}", failed.state)
    };
    assert_eq!(
        (node.as_deref(), *kind),
        (Some("1"), shotline_protocol::job::FailureKind::KeyframeMissing)
    );
    assert!(message.contains("Invalid image file"), "{message}");
    let faults = sim_json("/sim/faults").await;
    assert_eq!(
        faults["lose_uploads"],
        LOST - 2,
        "two uploads for one submission: the first and one again"
    );

    // The server keeps its uploads again: Retry (a new take) uploads afresh and runs.
    clear_faults().await;
    let retried = generate_take(&setup, &shot).await;
    assert!(is_done(&retried), "Retry ended {:?}", retried.state);
    assert!(
        !uploaded_again_notice(&retried),
        "the failure forgot the upload, so Retry uploaded before posting: {:?}",
        retried.notices
    );
}

#[wasm_bindgen_test]
async fn after_a_server_restart_the_next_keyframe_shot_uploads_before_posting() {
    fresh_sim().await;
    let setup = setup().await;
    let status = setup
        .generation
        .watch_server(&sim_url())
        .expect("a link to the active server");
    let keyframe = store_unique_png(&setup).await;
    let shot = keyframe_shot(&setup, &keyframe).await;
    let file = format!("shotline_{}.png", &keyframe.as_str()[..16]);
    let first = generate_take(&setup, &shot).await;
    assert!(is_done(&first), "first take ended {:?}", first.state);

    // A container restarted on fresh storage: queue, history and input folder gone.
    set_faults(serde_json::json!({"restart": true, "restart_ms": 500, "clear_input": true})).await;
    wait_for("the socket to notice the restart", || {
        status.get_untracked().is_down().then_some(())
    })
    .await;
    wait_for("the socket to reopen", || {
        (status.get_untracked().health == shotline::comfy::socket::SocketHealth::Open).then_some(())
    })
    .await;

    let second = generate_take(&setup, &shot).await;
    assert!(
        is_done(&second),
        "after the restart the take ended {:?}",
        second.state
    );
    assert!(input_files().await.contains(&file), "uploaded again");
    assert!(
        !uploaded_again_notice(&second),
        "uploaded before the first POST, not after a rejection: {:?}",
        second.notices
    );
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn a_shot_whose_workflow_needs_a_keyframe_it_lacks_is_refused_with_a_sentence() {
    let setup = setup().await;
    let shot = first_shot(&setup.data);
    setup
        .workflows
        .import_text(KEYFRAME_WORKFLOW, None, &sim_url())
        .await
        .expect("imports");
    let error = build(&setup, &shot).await.expect_err("no keyframe");
    assert_eq!(error, BuildError::KeyframeMissing);
}

#[wasm_bindgen_test]
async fn a_built_request_runs_to_done_and_its_manifest_holds_the_exact_prompt_sent() {
    fresh_sim().await;
    let setup = setup().await;
    let generation = setup.generation;
    let shot = first_shot(&setup.data);
    let profile = setup
        .workflows
        .import_bundled("sim_frames_webp")
        .expect("imports");
    let request = build(&setup, &shot).await.expect("builds");
    assert_eq!(request.profile_id.as_deref(), Some(profile.as_str()));
    assert_eq!(request.seed, None, "the workflow takes no seed");
    let sent = serde_json::to_value(&request.prompt).expect("serialises");
    let prompt_id = generation.submit(request);
    let ended = wait_for_end(&generation, &prompt_id).await;
    assert!(
        matches!(ended.state, JobState::Done { .. }),
        "ended {:?}",
        ended.state
    );
    assert_eq!(ended.outputs.len(), 1, "one animated WebP");

    let mut manifest = serde_json::Value::Null;
    for _ in 0..MANIFEST_READS_MAX {
        let text = setup.workflows.manifest(&prompt_id).await.expect("recorded");
        manifest = serde_json::from_str(&text).expect("JSON");
        if manifest["outcome"]["state"] == "Done" {
            break;
        }
        sleep_ms(MANIFEST_READ_PAUSE_MS).await;
    }
    assert_eq!(manifest["outcome"]["state"], "Done", "{manifest}");
    assert!(
        same_json(&manifest["prompt"], &sent),
        "{} != {sent}",
        manifest["prompt"]
    );
    assert_eq!(manifest["server"], sim_url().as_str());
    assert_eq!(manifest["profile"]["name"], "Blank animation (no models)");
    assert_eq!(manifest["outputs"].as_array().map(Vec::len), Some(1));
    assert!(manifest["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
}

#[wasm_bindgen_test]
async fn a_fixed_seed_lands_in_the_mapped_input_and_a_random_one_changes_per_take() {
    let setup = setup().await;
    let shot = first_shot(&setup.data);
    let profile = setup.workflows.import_bundled("sim_still").expect("imports");
    setup
        .workflows
        .set_mapping(&profile, Target::Seed, Some(("1".into(), "color".into())))
        .expect("mapped");
    setup
        .data
        .apply(Action::SetSeed {
            shot: shot.clone(),
            seed: Seed::Fixed(123),
        })
        .expect("seed set");
    let fixed = build(&setup, &shot).await.expect("builds");
    assert_eq!(fixed.seed, Some(123));
    assert_eq!(fixed.prompt["1"].inputs["color"], 123);

    setup
        .data
        .apply(Action::SetSeed {
            shot: shot.clone(),
            seed: Seed::Random,
        })
        .expect("seed set");
    let first = build(&setup, &shot).await.expect("builds").seed;
    let second = build(&setup, &shot).await.expect("builds").seed;
    assert!(first.is_some() && second.is_some());
    assert_ne!(first, second, "each take gets a new seed");
}

#[wasm_bindgen_test]
async fn generating_with_stages_makes_the_keyframe_first_then_the_shot_from_it() {
    fresh_sim().await;
    let setup = setup().await;
    let generation = setup.generation;
    let shot = first_shot(&setup.data);
    let keyframe_profile: ProfileId = setup.workflows.import_bundled("sim_still").expect("imports");
    let shot_profile = setup
        .workflows
        .import_text(KEYFRAME_WORKFLOW, None, &sim_url())
        .await
        .expect("imports");
    setup
        .workflows
        .set_stage_profile(Stage::Keyframe, Some(keyframe_profile))
        .expect("stage set");
    setup
        .workflows
        .set_stage_profile(Stage::Shot, Some(shot_profile))
        .expect("stage set");

    let stages = std::cell::RefCell::new(Vec::new());
    let take = setup
        .workflows
        .generate_with_stages(generation, &shot, &sim_url(), |stage| {
            stages.borrow_mut().push(stage)
        })
        .await
        .expect("both stages submitted");
    let stages = stages.into_inner();
    assert!(
        matches!(
            stages.as_slice(),
            [StagedRun::Keyframe { .. }, StagedRun::Shot { .. }]
        ),
        "{stages:?}"
    );
    let keyframe = setup
        .data
        .with_project(|p| p.shot(&shot).and_then(|s| s.keyframe.clone()))
        .flatten()
        .expect("stage one set the keyframe");
    let ended = wait_for_end(&generation, &take).await;
    assert!(
        matches!(ended.state, JobState::Done { .. }),
        "stage two ended {:?}",
        ended.state
    );
    let stored = setup
        .storage
        .get_media(&keyframe)
        .await
        .expect("reads")
        .expect("stored");
    assert_eq!(stored.mime, "image/png");
}

#[wasm_bindgen_test]
async fn a_failed_keyframe_stage_stops_the_shot_stage_with_the_reason() {
    fresh_sim().await;
    let setup = setup().await;
    let generation = setup.generation;
    let shot = first_shot(&setup.data);
    let keyframe_profile = setup
        .workflows
        .import_text(&uncached_still_workflow(), None, &sim_url())
        .await
        .expect("imports");
    let shot_profile = setup
        .workflows
        .import_text(KEYFRAME_WORKFLOW, None, &sim_url())
        .await
        .expect("imports");
    setup
        .workflows
        .set_stage_profile(Stage::Keyframe, Some(keyframe_profile))
        .expect("stage set");
    setup
        .workflows
        .set_stage_profile(Stage::Shot, Some(shot_profile))
        .expect("stage set");
    set_faults(serde_json::json!({"fail_class": "EmptyImage"})).await;

    let error = setup
        .workflows
        .generate_with_stages(generation, &shot, &sim_url(), |_| {})
        .await
        .expect_err("stage one fails");
    clear_faults().await;
    assert!(
        error.to_string().starts_with("The keyframe could not be made"),
        "{error}"
    );
    assert_eq!(
        generation.job_ids().get_untracked().len(),
        1,
        "stage two never ran"
    );
}
