//! The `.shotline.json` file: one project and, optionally, its media as data URLs, so
//! a file is self-contained when moved to another browser.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::error::ProjectFileError;
use super::migrate::SCHEMA_VERSION;
use crate::ordered::ordered_set;
use crate::project::ids::MediaId;
use crate::project::types::Project;

/// The `format` field: what tells a Shotline project apart from any other JSON.
pub const FILE_FORMAT: &str = "shotline-project";
pub const FILE_EXTENSION: &str = ".shotline.json";

/// What the media store keeps and a file may carry: what ComfyUI's save nodes produce.
pub const MEDIA_MIME_TYPES: [&str; 6] = [
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "video/mp4",
    "video/webm",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectFile {
    pub format: String,
    pub schema_version: u32,
    pub exported_at_ms: i64,
    pub project: Project,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<MediaEntry>,
}

/// One media record as carried in a file, mirroring the media store's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaEntry {
    pub id: MediaId,
    pub mime: String,
    /// `data:<mime>;base64,<bytes>`
    pub data_url: String,
    /// Lowercase hex of the decoded bytes, the store's dedupe key.
    pub sha256: String,
    /// Size of the decoded bytes.
    pub bytes: u64,
}

pub fn is_media_mime(mime: &str) -> bool {
    MEDIA_MIME_TYPES.contains(&mime)
}

/// The media records the project document points at, i.e. what an export with media
/// needs to read from the store.
pub fn referenced_media(project: &Project) -> BTreeSet<MediaId> {
    ordered_set(
        project
            .numbered_shots()
            .filter_map(|(_, _, shot)| shot.keyframe.clone()),
    )
}

/// The file's text. Media is checked the same way import checks it, so every export can
/// be imported again.
pub fn export_project(
    project: &Project,
    media: Vec<MediaEntry>,
    exported_at_ms: i64,
) -> Result<String, ProjectFileError> {
    for entry in &media {
        check_media_entry(entry)?;
    }
    let file = ProjectFile {
        format: FILE_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION,
        exported_at_ms,
        project: project.clone(),
        media,
    };
    serde_json::to_string_pretty(&file).map_err(|error| ProjectFileError::Serialize(error.to_string()))
}

pub(super) fn check_media_entry(entry: &MediaEntry) -> Result<(), ProjectFileError> {
    if !is_media_mime(&entry.mime) {
        return Err(ProjectFileError::UnsupportedMedia {
            id: entry.id.clone(),
            mime: entry.mime.clone(),
        });
    }
    let declared = entry
        .data_url
        .strip_prefix("data:")
        .and_then(|rest| rest.strip_prefix(entry.mime.as_str()))
        .and_then(|rest| rest.strip_prefix(";base64,"));
    match declared {
        Some(_) => Ok(()),
        None => Err(ProjectFileError::MediaDataMismatch { id: entry.id.clone() }),
    }
}
