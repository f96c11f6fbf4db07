//! The image-to-video workflow demo mode relies on (LoadImage → SVD-style fake model nodes →
//! VAEDecode → CreateVideo → SaveVideo), run through the server and checked down to the
//! structure of the mp4 it writes, so a browser can play it.

mod common;

use std::io::Cursor;

use comfy_sim::Config;
use common::spawn;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const SVD_FRAMES: u32 = 6;

fn image_to_video_workflow(image: &str) -> Value {
    json!({
        "1": {"class_type": "LoadImage", "inputs": {"image": image}},
        "2": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "sim_svd_xt.safetensors"}},
        "3": {"class_type": "SVD_img2vid_Conditioning", "inputs": {"clip_vision": ["2", 1], "init_image": ["1", 0],
            "vae": ["2", 2], "width": 64, "height": 48, "video_frames": SVD_FRAMES, "motion_bucket_id": 127,
            "fps": 6, "augmentation_level": 0.0}},
        "4": {"class_type": "VideoLinearCFGGuidance", "inputs": {"model": ["2", 0], "min_cfg": 1.0}},
        "5": {"class_type": "KSampler", "inputs": {"model": ["4", 0], "seed": 7, "steps": 2, "cfg": 2.5,
            "sampler_name": "euler", "scheduler": "karras", "positive": ["3", 0], "negative": ["3", 1],
            "latent_image": ["3", 2], "denoise": 1.0}},
        "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["2", 2]}},
        "7": {"class_type": "CreateVideo", "inputs": {"images": ["6", 0], "fps": 6.0}},
        "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "video/shot",
            "format": "mp4", "codec": "h264"}},
    })
}

fn png_bytes() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 90]));
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("PNG");
    bytes
}

#[tokio::test]
async fn image_to_video_with_fake_models_writes_an_h264_mp4_with_every_frame() {
    let sim = spawn(Config {
        fake_models: true,
        step_ms: 1,
        ..Config::for_tests()
    })
    .await;
    let form = Form::new().part("image", Part::bytes(png_bytes()).file_name("start.png"));
    let upload = sim.http.post(sim.url("/upload/image")).multipart(form).send();
    let uploaded: Value = upload.await.expect("answer").json().await.expect("JSON");
    let prompt_id = sim
        .submit(
            "video",
            &image_to_video_workflow(uploaded["name"].as_str().expect("name")),
        )
        .await;
    let entry = sim.wait_for_history(&prompt_id).await;
    assert_eq!(entry["status"]["status_str"], "success", "{entry}");
    let video = &entry["outputs"]["8"]["images"][0];
    assert_eq!(entry["outputs"]["8"]["animated"], json!([true]));
    let response = sim
        .http
        .get(sim.url("/view"))
        .query(&[
            ("filename", video["filename"].as_str().unwrap_or_default()),
            ("subfolder", "video"),
            ("type", "output"),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "video/mp4");
    let bytes = response.bytes().await.expect("body").to_vec();
    assert_eq!(&bytes[4..8], b"ftyp", "an mp4 starts with its ftyp box");
    for box_name in [b"moov", b"avc1", b"avcC", b"mdat"] {
        assert!(
            bytes.windows(4).any(|window| window == box_name),
            "has {}",
            String::from_utf8_lossy(box_name)
        );
    }
    let size = bytes.len() as u64;
    let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), size).expect("a readable mp4");
    let track = reader.tracks().values().next().expect("one track");
    assert_eq!(track.media_type().expect("media type"), mp4::MediaType::H264);
    assert_eq!(track.sample_count(), SVD_FRAMES);
    assert_eq!((track.width(), track.height()), (64, 48));
}
