//! Binary WebSocket frames: `[u32 big-endian event type][payload]`.
//!
//! Decoding is a pure function over untrusted bytes: every length is checked against
//! the buffer and every failure is a [`FrameError`], never a panic.

use serde::{Deserialize, Serialize};

/// Larger frames are refused: previews are small JPEGs (trace j: 4.9 KB) and even a
/// SaveImageWebsocket PNG of a large image stays far below this.
pub const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;
/// The type-4 metadata is a ~170-byte JSON object (trace j: 165 and 166 bytes).
pub const MAX_PREVIEW_METADATA_BYTES: usize = 64 * 1024;

const EVENT_TYPE_BYTES: usize = 4;
const PREVIEW_IMAGE: u32 = 1;
const TEXT: u32 = 3;
const PREVIEW_IMAGE_WITH_METADATA: u32 = 4;

#[derive(Debug, Clone, PartialEq)]
pub enum Frame<'a> {
    /// Type 1: sent to clients that did not announce `supports_preview_metadata`; it has
    /// no prompt id and belongs to whatever runs for this client.
    PreviewImage {
        image_type: PreviewImageType,
        image: &'a [u8],
    },
    /// Type 3: progress text of a node, broadcast.
    Text { node_id: &'a str, text: &'a str },
    /// Type 4: a preview that names its prompt and node.
    PreviewImageWithMetadata {
        metadata: PreviewMetadata,
        image_type: PreviewImageType,
        image: &'a [u8],
    },
}

/// The image formats ComfyUI encodes previews in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PreviewImageType {
    Jpeg,
    Png,
    Webp,
}

/// The JSON header of a type-4 frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewMetadata {
    #[serde(default)]
    pub node_id: Option<String>,
    #[serde(default)]
    pub prompt_id: Option<String>,
    #[serde(default)]
    pub display_node_id: Option<String>,
    #[serde(default)]
    pub parent_node_id: Option<String>,
    #[serde(default)]
    pub real_node_id: Option<String>,
    /// A MIME type, `image/jpeg` or `image/png` in the recordings.
    pub image_type: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the frame is {len} bytes, too short for its header ({needed} needed)")]
    TooShort { len: usize, needed: usize },
    #[error("the frame is {len} bytes, more than the {MAX_FRAME_BYTES} accepted")]
    TooLarge { len: usize },
    #[error("unknown binary event type {0}")]
    UnknownEventType(u32),
    #[error("unknown preview image type {0}")]
    UnknownImageType(u32),
    #[error("unknown preview image MIME type {0:?}")]
    UnknownImageMime(String),
    #[error(
        "the metadata claims {claimed} bytes but {available} follow (limit {MAX_PREVIEW_METADATA_BYTES})"
    )]
    MetadataOutOfBounds { claimed: u32, available: usize },
    #[error("the preview metadata is not the expected JSON: {0}")]
    BadMetadata(serde_json::Error),
    #[error("the text frame claims a {claimed}-byte node id but {available} bytes follow")]
    NodeIdOutOfBounds { claimed: u32, available: usize },
    #[error("the text frame is not UTF-8")]
    NotUtf8(#[from] std::str::Utf8Error),
}

impl PreviewImageType {
    fn from_code(code: u32) -> Result<Self, FrameError> {
        match code {
            1 => Ok(Self::Jpeg),
            2 => Ok(Self::Png),
            3 => Ok(Self::Webp),
            other => Err(FrameError::UnknownImageType(other)),
        }
    }

    fn from_mime(mime: &str) -> Result<Self, FrameError> {
        match mime {
            "image/jpeg" => Ok(Self::Jpeg),
            "image/png" => Ok(Self::Png),
            "image/webp" => Ok(Self::Webp),
            other => Err(FrameError::UnknownImageMime(other.to_owned())),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }
}

impl Frame<'_> {
    /// The prompt the frame names; only type 4 does.
    pub fn prompt_id(&self) -> Option<&str> {
        match self {
            Self::PreviewImageWithMetadata { metadata, .. } => metadata.prompt_id.as_deref(),
            Self::PreviewImage { .. } | Self::Text { .. } => None,
        }
    }
}

pub fn decode_frame(bytes: &[u8]) -> Result<Frame<'_>, FrameError> {
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge { len: bytes.len() });
    }
    let (event_type, payload) = split_u32(bytes, 0)?;
    match event_type {
        PREVIEW_IMAGE => {
            let (code, image) = split_u32(payload, EVENT_TYPE_BYTES)?;
            Ok(Frame::PreviewImage {
                image_type: PreviewImageType::from_code(code)?,
                image,
            })
        }
        TEXT => {
            let (claimed, rest) = split_u32(payload, EVENT_TYPE_BYTES)?;
            let (node_id, text) =
                split_at_claimed(rest, claimed, usize::MAX).ok_or(FrameError::NodeIdOutOfBounds {
                    claimed,
                    available: rest.len(),
                })?;
            Ok(Frame::Text {
                node_id: std::str::from_utf8(node_id)?,
                text: std::str::from_utf8(text)?,
            })
        }
        PREVIEW_IMAGE_WITH_METADATA => {
            let (claimed, rest) = split_u32(payload, EVENT_TYPE_BYTES)?;
            let (json, image) = split_at_claimed(rest, claimed, MAX_PREVIEW_METADATA_BYTES).ok_or(
                FrameError::MetadataOutOfBounds {
                    claimed,
                    available: rest.len(),
                },
            )?;
            // Text first: `from_slice` would compile serde_json's parser a second time, for
            // bytes, into the app bundle.
            let metadata: PreviewMetadata = std::str::from_utf8(json)
                .map_err(<serde_json::Error as serde::de::Error>::custom)
                .and_then(serde_json::from_str)
                .map_err(FrameError::BadMetadata)?;
            let image_type = PreviewImageType::from_mime(&metadata.image_type)?;
            Ok(Frame::PreviewImageWithMetadata {
                metadata,
                image_type,
                image,
            })
        }
        other => Err(FrameError::UnknownEventType(other)),
    }
}

/// Reads a big-endian u32 off the front of `bytes`; `offset` is where `bytes` starts in
/// the frame, for the error message.
fn split_u32(bytes: &[u8], offset: usize) -> Result<(u32, &[u8]), FrameError> {
    match bytes.split_first_chunk::<4>() {
        Some((head, rest)) => Ok((u32::from_be_bytes(*head), rest)),
        None => Err(FrameError::TooShort {
            len: offset + bytes.len(),
            needed: offset + 4,
        }),
    }
}

/// Splits off a length-prefixed field, `None` when the claimed length exceeds what is
/// there or `limit`.
fn split_at_claimed(bytes: &[u8], claimed: u32, limit: usize) -> Option<(&[u8], &[u8])> {
    let len = usize::try_from(claimed).ok().filter(|len| *len <= limit)?;
    bytes.split_at_checked(len)
}
