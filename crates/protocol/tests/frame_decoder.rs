//! Binary frames: the recorded heads of trace j decode, and no byte string panics.

mod support;

use proptest::prelude::*;
use serde_json::Value;
use shotline_protocol::frame::{MAX_FRAME_BYTES, MAX_PREVIEW_METADATA_BYTES};
use shotline_protocol::job::attribute_frame;
use shotline_protocol::{Frame, FrameError, PreviewImageType, decode_frame};
use support::{base64_decode, events, trace};

const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];
const PNG_MAGIC: [u8; 4] = [0x89, b'P', b'N', b'G'];

fn recorded_frames(event_type: u64) -> Vec<Value> {
    events(&trace("j_previews.json"))
        .iter()
        .filter(|e| e["kind"] == "ws_message" && e["msg"]["event_type"] == event_type)
        .map(|e| e["msg"].clone())
        .collect()
}

fn with_header(event_type: u32, field: u32, rest: &[u8]) -> Vec<u8> {
    [&event_type.to_be_bytes()[..], &field.to_be_bytes(), rest].concat()
}

/// The metadata bytes as the server wrote them: Python's `json.dumps` separators, keys
/// in the server's order (the parsed trace has them sorted).
fn python_json(metadata: &Value) -> String {
    const KEY_ORDER: [&str; 6] = [
        "node_id",
        "prompt_id",
        "display_node_id",
        "parent_node_id",
        "real_node_id",
        "image_type",
    ];
    let fields: Vec<String> = KEY_ORDER
        .iter()
        .map(|key| format!("\"{key}\": {}", metadata[key]))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

#[test]
fn recorded_type_1_heads_decode_to_jpeg_and_png_previews() {
    let frames = recorded_frames(1);
    assert_eq!(frames.len(), 4);
    for recorded in frames {
        let head = base64_decode(recorded["head_b64"].as_str().unwrap());
        let Ok(Frame::PreviewImage { image_type, image }) = decode_frame(&head) else {
            panic!("not a type-1 preview: {recorded}");
        };
        match recorded["image_type_u32"].as_u64().unwrap() {
            1 => assert_eq!(
                (image_type, &image[..3]),
                (PreviewImageType::Jpeg, &JPEG_MAGIC[..])
            ),
            _ => assert_eq!((image_type, &image[..4]), (PreviewImageType::Png, &PNG_MAGIC[..])),
        }
    }
}

#[test]
fn recorded_type_4_frames_decode_with_their_prompt_and_node() {
    let frames = recorded_frames(4);
    assert_eq!(frames.len(), 4);
    for recorded in frames {
        let head = base64_decode(recorded["head_b64"].as_str().unwrap());
        let metadata = python_json(&recorded["metadata"]);
        assert_eq!(metadata.len() as u64, recorded["metadata_len"].as_u64().unwrap());
        let magic = base64_decode(recorded["image_magic_b64"].as_str().unwrap());
        let frame = with_header(4, metadata.len() as u32, &[metadata.as_bytes(), &magic].concat());
        assert_eq!(
            frame[..head.len()],
            head[..],
            "rebuilt frame starts like the recorded one"
        );
        let decoded = decode_frame(&frame).unwrap();
        assert_eq!(decoded.prompt_id(), Some("c1b32289-b49a-481a-877d-eb0132d4ac43"));
        assert_eq!(
            attribute_frame(&decoded, Some("another-running-prompt")),
            decoded.prompt_id()
        );
        let Frame::PreviewImageWithMetadata {
            metadata,
            image_type,
            image,
        } = decoded
        else {
            unreachable!()
        };
        assert_eq!(
            image_type.mime(),
            recorded["metadata"]["image_type"].as_str().unwrap()
        );
        assert_eq!(
            metadata.node_id,
            recorded["metadata"]["node_id"].as_str().map(str::to_owned)
        );
        assert_eq!(image, magic);
    }
}

#[test]
fn recorded_type_4_head_alone_is_truncated_metadata_not_a_panic() {
    let recorded = &recorded_frames(4)[0];
    let head = base64_decode(recorded["head_b64"].as_str().unwrap());
    assert!(matches!(
        decode_frame(&head),
        Err(FrameError::MetadataOutOfBounds {
            claimed: 166,
            available: 56
        })
    ));
}

#[test]
fn type_1_preview_belongs_to_the_running_prompt() {
    let frame = with_header(1, 1, &JPEG_MAGIC);
    let decoded = decode_frame(&frame).unwrap();
    assert_eq!(decoded.prompt_id(), None);
    assert_eq!(attribute_frame(&decoded, Some("running")), Some("running"));
}

#[test]
fn text_frame_reads_node_id_and_text_and_belongs_to_no_prompt() {
    let frame = with_header(3, 2, b"12sampling 3/20");
    let decoded = decode_frame(&frame).unwrap();
    assert_eq!(
        decoded,
        Frame::Text {
            node_id: "12",
            text: "sampling 3/20"
        }
    );
    assert_eq!(
        attribute_frame(&decoded, Some("running")),
        None,
        "text frames are broadcast"
    );
}

#[test]
fn truncated_frames_are_errors() {
    for bytes in [
        &[][..],
        &[0, 0, 0],
        &[0, 0, 0, 1],
        &[0, 0, 0, 1, 0, 0],
        &[0, 0, 0, 4, 0],
    ] {
        assert!(
            matches!(decode_frame(bytes), Err(FrameError::TooShort { .. })),
            "{bytes:?}"
        );
    }
    let node_id_cut = with_header(3, 10, b"12");
    assert!(matches!(
        decode_frame(&node_id_cut),
        Err(FrameError::NodeIdOutOfBounds {
            claimed: 10,
            available: 2
        })
    ));
}

#[test]
fn oversized_frames_and_metadata_lengths_are_errors() {
    let huge_claim = with_header(4, u32::MAX, b"{}");
    assert!(matches!(
        decode_frame(&huge_claim),
        Err(FrameError::MetadataOutOfBounds { .. })
    ));
    let padding = vec![b' '; MAX_PREVIEW_METADATA_BYTES + 1];
    let long_metadata = with_header(4, padding.len() as u32, &padding);
    assert!(matches!(
        decode_frame(&long_metadata),
        Err(FrameError::MetadataOutOfBounds { .. })
    ));
    let too_big = vec![0; MAX_FRAME_BYTES + 1];
    assert!(matches!(decode_frame(&too_big), Err(FrameError::TooLarge { .. })));
}

#[test]
fn unknown_types_and_bad_metadata_are_errors() {
    assert!(matches!(
        decode_frame(&with_header(2, 0, b"")),
        Err(FrameError::UnknownEventType(2))
    ));
    assert!(matches!(
        decode_frame(&with_header(1, 9, b"")),
        Err(FrameError::UnknownImageType(9))
    ));
    let svg = br#"{"image_type": "image/svg+xml"}"#;
    assert!(matches!(
        decode_frame(&with_header(4, svg.len() as u32, svg)),
        Err(FrameError::UnknownImageMime(_))
    ));
    assert!(matches!(
        decode_frame(&with_header(4, 3, b"{{{")),
        Err(FrameError::BadMetadata(_))
    ));
    assert!(matches!(
        decode_frame(&with_header(3, 1, &[b'1', 0xFF])),
        Err(FrameError::NotUtf8(_))
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_frame(&bytes);
    }

    #[test]
    fn random_payloads_of_known_types_never_panic(
        event_type in prop_oneof![Just(1u32), Just(3), Just(4)],
        field in prop_oneof![any::<u32>(), 0u32..64],
        rest in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let _ = decode_frame(&with_header(event_type, field, &rest));
    }

    #[test]
    fn text_frames_round_trip(node_id in "[0-9:.]{0,12}", text in "\\PC{0,64}") {
        let frame = with_header(3, node_id.len() as u32, format!("{node_id}{text}").as_bytes());
        prop_assert_eq!(
            decode_frame(&frame).unwrap(),
            Frame::Text { node_id: &node_id, text: &text }
        );
    }
}
