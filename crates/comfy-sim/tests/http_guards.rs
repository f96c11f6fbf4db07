//! Bad input over HTTP: traversal in /view and uploads, upload naming, size limits and
//! malformed JSON. Outcomes are checked on the filesystem, not only in status codes.

mod common;

use std::path::Path;

use comfy_sim::Config;
use common::{TestSim, spawn, spawn_default};
use serde_json::{Value, json};

const SECRET: &str = "outside every data folder";
/// `--max-upload-size` for the size test; the upload sent is half as large again.
const SMALL_UPLOAD_LIMIT_MB: u64 = 1;
const BYTES_PER_MB: usize = 1024 * 1024;

/// A file next to the data folders that no request may read or replace.
fn plant_secret(sim: &TestSim) -> std::path::PathBuf {
    let root = sim.output_dir.parent().expect("data root");
    let secret = root.join("secret.txt");
    std::fs::write(&secret, SECRET).expect("secret written");
    secret
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn view_refuses_names_leaving_its_folder_and_never_serves_the_file() {
    let sim = spawn_default().await;
    let secret = plant_secret(&sim);
    let absolute = secret.to_string_lossy().into_owned();
    let attempts = [
        ("../secret.txt", "", "output"),
        ("secret.txt", "..", "output"),
        ("secret.txt", "../", "input"),
        ("../../secret.txt", "sub", "temp"),
        (absolute.as_str(), "", "output"),
        ("secret.txt", absolute.trim_end_matches("/secret.txt"), "output"),
    ];
    for (filename, subfolder, kind) in attempts {
        let response = sim
            .http
            .get(sim.url("/view"))
            .query(&[("filename", filename), ("subfolder", subfolder), ("type", kind)])
            .send()
            .await
            .expect("answer");
        let status = response.status().as_u16();
        assert!(
            status == 400 || status == 403,
            "{filename} in {subfolder:?}: {status}"
        );
        assert!(!response.text().await.expect("body").contains(SECRET));
    }
}

#[tokio::test]
async fn uploads_refuse_names_and_subfolders_leaving_the_input_folder() {
    let sim = spawn_default().await;
    let secret = plant_secret(&sim);
    let root = secret.parent().expect("root").to_path_buf();
    let absolute_dir = root.to_string_lossy().into_owned();
    let attempts: [(&str, &[(&str, &str)]); 4] = [
        ("../escape.png", &[]),
        ("escape.png", &[("subfolder", "../..")]),
        ("escape.png", &[("subfolder", absolute_dir.as_str())]),
        ("secret.txt", &[("subfolder", ".."), ("overwrite", "true")]),
    ];
    for (name, fields) in attempts {
        let (status, body) = sim.upload(name, b"not yours", fields).await;
        assert!(status == 400 || status == 403, "{name} {fields:?}: {status}");
        assert_eq!(body, "");
    }
    assert_eq!(std::fs::read_to_string(&secret).expect("secret"), SECRET);
    assert!(!root.join("escape.png").exists());
    assert!(
        files_in(&sim.input_dir).is_empty(),
        "nothing landed in input/ either"
    );
}

#[tokio::test]
async fn upload_names_follow_comfyui_dedupe_and_overwrite_rules_on_disk() {
    let sim = spawn_default().await;
    let input = sim.input_dir.clone();
    let name_of = |body: &str| serde_json::from_str::<Value>(body).expect("JSON")["name"].clone();
    let (_, first) = sim
        .upload("shot.png", b"bytes A", &[("overwrite", "false")])
        .await;
    assert_eq!(name_of(&first), "shot.png");
    let (_, second) = sim.upload("shot.png", b"bytes B", &[]).await;
    assert_eq!(name_of(&second), "shot (1).png");
    let (_, same) = sim.upload("shot.png", b"bytes B", &[]).await;
    assert_eq!(
        name_of(&same),
        "shot (1).png",
        "identical bytes reuse the existing copy"
    );
    assert_eq!(files_in(&input), ["shot (1).png", "shot.png"]);
    let (_, replaced) = sim.upload("shot.png", b"bytes C", &[("overwrite", "true")]).await;
    assert_eq!(name_of(&replaced), "shot.png");
    assert_eq!(std::fs::read(input.join("shot.png")).expect("file"), b"bytes C");
    let (_, nested) = sim
        .upload("shot.png", b"bytes A", &[("subfolder", "shots/1")])
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&nested).expect("JSON"),
        json!({"name": "shot.png", "subfolder": "shots/1", "type": "input"})
    );
    assert_eq!(
        std::fs::read(input.join("shots/1/shot.png")).expect("file"),
        b"bytes A"
    );
}

#[tokio::test]
async fn upload_larger_than_max_upload_size_is_refused_with_413_and_not_stored() {
    let sim = spawn(Config {
        max_upload_size_mb: SMALL_UPLOAD_LIMIT_MB,
        ..Config::for_tests()
    })
    .await;
    let oversized = vec![7u8; BYTES_PER_MB * 3 / 2];
    let (status, _) = sim.upload("big.png", &oversized, &[]).await;
    assert_eq!(status, 413);
    assert!(files_in(&sim.input_dir).is_empty());
    let (status, _) = sim.upload("small.png", b"fits", &[]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn malformed_json_bodies_get_the_real_servers_500_text_not_a_crash() {
    let sim = spawn_default().await;
    for body in ["{\"prompt\": ", "not json", "[1, 2]", ""] {
        let response = sim
            .http
            .post(sim.url("/prompt"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 500, "{body:?}");
        assert_eq!(
            response.text().await.expect("text"),
            "500 Internal Server Error\n\nServer got itself in trouble"
        );
    }
    assert_eq!(sim.get_json("/queue").await.0, 200, "the server is still up");
}
