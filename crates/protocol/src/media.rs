//! Output files and what kind of media each one is.
//!
//! The kind comes from the file's extension, or the `format` VideoHelperSuite reports,
//! never from the output key: SaveAnimatedWEBP, SaveAnimatedPNG and even core SaveVideo
//! report under `images` (trace h). MIME types come from a fixed table of image, video
//! and audio types, so a server-chosen string never ends up in a data URL.

use serde::{Deserialize, Serialize};

use crate::http::FileRef;

/// One file a prompt produced, as `/view` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    pub node_id: String,
    pub filename: String,
    pub subfolder: String,
    /// `output`, `temp` or `input`: the `type` query value of `/view`.
    pub folder_type: String,
    pub format: Option<String>,
    /// The node said `animated: [true]`: an animated WEBP or PNG, or a video.
    pub animated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaKind {
    Image,
    /// Animated WEBP, APNG or GIF: shown with `<img>`.
    AnimatedImage,
    /// Shown with `<video>`.
    Video,
    /// SaveAudio's FLAC, SaveAudioMP3, SaveAudioOpus: played with `<audio>`.
    Audio,
}

/// A media type this app can show: its kind and MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Media {
    pub kind: MediaKind,
    pub mime: &'static str,
}

/// Extension (lowercase) → MIME type and kind when not flagged animated.
const MEDIA_TYPES: &[(&str, &str, MediaKind)] = &[
    ("png", "image/png", MediaKind::Image),
    ("jpg", "image/jpeg", MediaKind::Image),
    ("jpeg", "image/jpeg", MediaKind::Image),
    ("webp", "image/webp", MediaKind::Image),
    ("gif", "image/gif", MediaKind::AnimatedImage),
    ("mp4", "video/mp4", MediaKind::Video),
    ("webm", "video/webm", MediaKind::Video),
    ("mov", "video/quicktime", MediaKind::Video),
    ("flac", "audio/flac", MediaKind::Audio),
    ("mp3", "audio/mpeg", MediaKind::Audio),
    ("wav", "audio/wav", MediaKind::Audio),
    // SaveAudioOpus writes Ogg Opus, which browsers play as audio/ogg.
    ("opus", "audio/ogg", MediaKind::Audio),
    ("ogg", "audio/ogg", MediaKind::Audio),
    ("m4a", "audio/mp4", MediaKind::Audio),
];

impl Media {
    /// The media a stored MIME type stands for, as this app's own table spells it, or
    /// `None` for a type this app does not show. A GIF is animated; a stored WEBP or
    /// PNG lost its animated flag, which `<img>` does not need.
    pub fn from_mime(mime: &str) -> Option<Self> {
        MEDIA_TYPES
            .iter()
            .find(|(_, known, _)| known.eq_ignore_ascii_case(mime))
            .map(|(_, mime, kind)| Self { kind: *kind, mime })
    }
}

impl OutputFile {
    pub fn new(node_id: &str, file: &FileRef, animated: bool) -> Self {
        Self {
            node_id: node_id.to_owned(),
            filename: file.filename.clone(),
            subfolder: file.subfolder.clone(),
            folder_type: file.folder_type.clone(),
            format: file.format.clone(),
            animated,
        }
    }

    /// The media this file is, or `None` when it is not an image, video or audio file
    /// this app shows (then it is not fetched into a data URL).
    pub fn media(&self) -> Option<Media> {
        // The extension first: `/view` sets Content-Type from it, so the bytes are
        // labelled that way anyway. `format` covers names without a known extension.
        let (mime, kind) = extension(&self.filename).and_then(media_type).or_else(|| {
            self.format
                .as_deref()
                .and_then(format_extension)
                .and_then(media_type)
        })?;
        let kind = match kind {
            MediaKind::Image if self.animated => MediaKind::AnimatedImage,
            other => other,
        };
        Some(Media { kind, mime })
    }

    pub fn kind(&self) -> Option<MediaKind> {
        self.media().map(|media| media.kind)
    }

    /// The MIME type for a data URL: always an `image/*`, `video/*` or `audio/*` type.
    pub fn mime(&self) -> Option<&'static str> {
        self.media().map(|media| media.mime)
    }
}

fn extension(filename: &str) -> Option<&str> {
    let (_, ext) = filename.rsplit_once('.')?;
    Some(ext)
}

/// `video/h264-mp4` → `mp4`, `image/gif` → `gif` (VideoHelperSuite's formats name the
/// container last).
fn format_extension(format: &str) -> Option<&str> {
    let (_, subtype) = format.split_once('/')?;
    subtype.rsplit('-').next()
}

fn media_type(ext: &str) -> Option<(&'static str, MediaKind)> {
    MEDIA_TYPES
        .iter()
        .find(|(known, _, _)| known.eq_ignore_ascii_case(ext))
        .map(|(_, mime, kind)| (*mime, *kind))
}
