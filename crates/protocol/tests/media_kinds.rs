//! Media kind and MIME type come from the extension or `format`, never from the key.

use shotline_protocol::http::NodeOutput;
use shotline_protocol::{MediaKind, OutputFile};

fn files(output: serde_json::Value) -> Vec<OutputFile> {
    serde_json::from_value::<NodeOutput>(output).unwrap().files("9")
}

#[test]
fn videohelpersuite_gifs_key_holding_an_mp4_is_a_video() {
    let files = files(serde_json::json!({"gifs": [{
        "filename": "clip_00001.mp4", "subfolder": "", "type": "output",
        "format": "video/h264-mp4", "frame_rate": 8.0
    }]}));
    assert_eq!(files[0].kind(), Some(MediaKind::Video));
    assert_eq!(files[0].mime(), Some("video/mp4"));
    assert_eq!(files[0].format.as_deref(), Some("video/h264-mp4"));
}

#[test]
fn gif_is_animated_and_webm_is_video_whatever_the_key() {
    let files = files(serde_json::json!({
        "images": [{"filename": "a.GIF", "subfolder": "", "type": "output"}],
        "gifs": [{"filename": "b.webm", "subfolder": "", "type": "output", "format": "video/webm"}]
    }));
    assert_eq!(files[0].kind(), Some(MediaKind::AnimatedImage));
    assert_eq!(files[0].mime(), Some("image/gif"));
    assert_eq!(files[1].kind(), Some(MediaKind::Video));
    assert_eq!(files[1].mime(), Some("video/webm"));
}

#[test]
fn webp_is_still_unless_the_node_flags_it_animated() {
    let still = files(serde_json::json!({"images": [{"filename": "s.webp", "type": "output"}]}));
    assert_eq!(still[0].kind(), Some(MediaKind::Image));
    let animated = files(serde_json::json!({
        "images": [{"filename": "a.webp", "type": "output"}], "animated": [true]
    }));
    assert_eq!(animated[0].kind(), Some(MediaKind::AnimatedImage));
}

#[test]
fn format_decides_when_the_name_has_no_known_extension() {
    let files = files(serde_json::json!({"gifs": [{"filename": "clip", "format": "video/nvenc_h264-mp4"}]}));
    assert_eq!(files[0].mime(), Some("video/mp4"));
}

#[test]
fn files_that_are_not_images_or_videos_get_no_mime_type() {
    let files = files(serde_json::json!({"images": [
        {"filename": "model.safetensors", "type": "output"},
        {"filename": "page.html", "type": "output", "format": "text/html"},
        {"filename": "noextension", "type": "output"}
    ]}));
    assert!(files.iter().all(|file| file.media().is_none()), "{files:?}");
}

#[test]
fn unknown_output_keys_such_as_text_are_ignored() {
    let files = files(serde_json::json!({"text": ["hello"], "images": [{"filename": "x.jpg"}]}));
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].mime(), Some("image/jpeg"));
    assert_eq!(files[0].node_id, "9");
}
