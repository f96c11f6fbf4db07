//! Reading a `.shotline.json` file: recognise what was picked, refuse what cannot be
//! read, upgrade older versions, then check the project holds together.

use serde_json::{Map, Value};

use super::checks::check_integrity;
use super::error::ProjectFileError;
use super::format::{FILE_FORMAT, ProjectFile};
use super::migrate::{SCHEMA_VERSION, migrate};
use crate::project::ids::MediaId;

/// Large enough for a project with a few dozen takes inlined as video, small enough that
/// parsing it does not exhaust a browser tab (JSON parsing needs several times the text).
pub const MAX_IMPORT_BYTES: u64 = 200 * 1024 * 1024;

/// Checked on the file's size before reading it, so a huge file is refused unread.
pub fn check_import_size(bytes: u64) -> Result<(), ProjectFileError> {
    if bytes > MAX_IMPORT_BYTES {
        Err(ProjectFileError::TooLarge {
            bytes,
            limit: MAX_IMPORT_BYTES,
        })
    } else {
        Ok(())
    }
}

/// The project and media a file holds, upgraded to the current schema. `is_stored` says
/// whether the media store already has a record, so a keyframe may point at media that
/// is not in the file but is in this browser.
pub fn import_project(
    text: &str,
    is_stored: impl Fn(&MediaId) -> bool,
) -> Result<ProjectFile, ProjectFileError> {
    check_import_size(text.len() as u64)?;
    let value: Value = serde_json::from_str(text).map_err(|error| ProjectFileError::NotJson {
        line: error.line(),
        column: error.column(),
    })?;
    let fields = value.as_object().ok_or(ProjectFileError::NotAProject)?;
    recognise(fields)?;
    let version = schema_version(fields)?;
    let current = migrate(value, version)?;
    let file: ProjectFile =
        serde_json::from_value(current).map_err(|error| ProjectFileError::Malformed(error.to_string()))?;
    check_integrity(&file, is_stored)?;
    Ok(file)
}

/// Tells a project from the ComfyUI workflows people most often pick by mistake.
fn recognise(fields: &Map<String, Value>) -> Result<(), ProjectFileError> {
    if fields.get("format").and_then(Value::as_str) == Some(FILE_FORMAT) {
        return Ok(());
    }
    if fields.contains_key("nodes") && fields.contains_key("links") {
        return Err(ProjectFileError::UiWorkflow);
    }
    // API format: node ids mapping to `{ "class_type": ..., "inputs": ... }`.
    let is_api_workflow = !fields.is_empty()
        && fields
            .values()
            .all(|node| node.get("class_type").is_some_and(Value::is_string));
    if is_api_workflow {
        return Err(ProjectFileError::ApiWorkflow);
    }
    Err(ProjectFileError::NotAProject)
}

fn schema_version(fields: &Map<String, Value>) -> Result<u32, ProjectFileError> {
    let found = fields
        .get("schema_version")
        .and_then(Value::as_u64)
        .filter(|&version| version >= 1)
        .ok_or(ProjectFileError::MissingVersion)?;
    u32::try_from(found)
        .ok()
        .filter(|&version| version <= SCHEMA_VERSION)
        .ok_or(ProjectFileError::NewerVersion {
            found,
            supported: SCHEMA_VERSION,
        })
}
