//! LoadImage reads ComfyUI's input folder: a file that is not there fails validation with
//! the recorded body (trace c case 3e), and the `clear_input` / `lose_uploads` faults make
//! an uploaded file go missing the two ways real servers do.

mod common;

use comfy_sim::Config;
use common::{TestSim, load_fixture, spawn, spawn_with_faults};
use serde_json::{Value, json};

/// `POST /prompt` of LoadImage(`file`) → SaveImage: the status and body.
/// Uploads `bytes` as `name` and returns the name the server answered with.
async fn upload(sim: &TestSim, name: &str, bytes: &[u8]) -> String {
    let (status, body) = sim.upload(name, bytes, &[]).await;
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    body["name"].as_str().expect("a name").to_owned()
}

async fn load_image(sim: &TestSim, file: &str) -> (u16, Value) {
    let body = json!({
        "prompt": {
            "1": {"class_type": "LoadImage", "inputs": {"image": file}},
            "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}
        },
        "client_id": "input-files",
        "prompt_id": uuid::Uuid::new_v4().to_string(),
    });
    let response = sim.post_json("/prompt", &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// The recorded 400 for `no_such_file.png`, with `file` in its place.
fn recorded_missing_file_body(file: &str) -> Value {
    let trace = load_fixture("traces/c_validation_error.json");
    let events = trace["events"].as_array().expect("events");
    let request = events
        .iter()
        .find(|event| {
            event["kind"] == "http_request" && event["json"]["prompt"]["1"]["class_type"] == "LoadImage"
        })
        .expect("the LoadImage case");
    let response = events
        .iter()
        .find(|event| event["kind"] == "http_response" && event["id"] == request["id"])
        .expect("paired response");
    let text = response["json"].to_string().replace("no_such_file.png", file);
    serde_json::from_str(&text).expect("JSON")
}

/// A small but real PNG (LoadImage decodes what it loads).
fn png_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    let image = image::RgbImage::from_pixel(2, 2, image::Rgb([10, 20, 30]));
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("PNG encodes");
    bytes
}

#[tokio::test]
async fn load_image_of_a_file_not_in_the_input_folder_gets_the_recorded_body_exactly() {
    let sim = spawn(Config::for_tests()).await;
    let (status, body) = load_image(&sim, "no_such_file.png").await;
    assert_eq!(status, 400);
    assert_eq!(body, recorded_missing_file_body("no_such_file.png"));
}

#[tokio::test]
async fn clear_input_empties_the_input_folder_so_an_earlier_upload_fails_until_uploaded_again() {
    let sim = spawn_with_faults().await;
    let name = upload(&sim, "keyframe.png", &png_bytes()).await;
    std::fs::create_dir_all(sim.input_dir.join("shots")).expect("subfolder");
    assert_eq!(load_image(&sim, &name).await.0, 200, "the upload is found");

    sim.inject(json!({"clear_input": true})).await;
    let left: Vec<_> = std::fs::read_dir(&sim.input_dir).expect("folder stays").collect();
    assert!(left.is_empty(), "nothing is left in input/: {left:?}");
    let (status, body) = load_image(&sim, &name).await;
    assert_eq!((status, body), (400, recorded_missing_file_body(&name)));

    assert_eq!(
        upload(&sim, "keyframe.png", &png_bytes()).await,
        name,
        "same name again"
    );
    assert_eq!(load_image(&sim, &name).await.0, 200, "found once uploaded again");
}

#[tokio::test]
async fn lost_uploads_are_answered_as_kept_but_never_reach_load_image() {
    let sim = spawn_with_faults().await;
    let state = sim.inject(json!({"lose_uploads": 2})).await;
    assert_eq!(state["lose_uploads"], 2);
    for _ in 0..2 {
        let name = upload(&sim, "lost.png", &png_bytes()).await;
        assert_eq!(name, "lost.png", "answered like a kept upload");
        let (status, body) = load_image(&sim, &name).await;
        assert_eq!((status, body), (400, recorded_missing_file_body(&name)));
    }
    assert!(
        sim.get_json("/sim/faults").await.1["lose_uploads"].is_null(),
        "used up"
    );
    let kept = upload(&sim, "lost.png", &png_bytes()).await;
    assert_eq!(load_image(&sim, &kept).await.0, 200, "the third upload is kept");
}
