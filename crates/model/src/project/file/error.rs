//! Why a project file was refused. Each message is the sentence the user sees; nothing
//! already stored is touched when one of these is returned.

use crate::project::ids::MediaId;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectFileError {
    #[error(
        "This file is {} MB; Shotline imports project files up to {} MB. Export the project again without media.",
        .bytes / BYTES_PER_MB,
        .limit / BYTES_PER_MB
    )]
    TooLarge { bytes: u64, limit: u64 },
    #[error(
        "This file is not JSON (it stops making sense at line {line}, column {column}); choose a .shotline.json file exported from Shotline."
    )]
    NotJson { line: usize, column: usize },
    #[error(
        "This is a ComfyUI workflow in UI format, not a Shotline project. To use it as a workflow, save it from ComfyUI with \"Export (API)\" and import that under Workflows."
    )]
    UiWorkflow,
    #[error(
        "This is a ComfyUI workflow (API format), not a Shotline project; import it under Workflows instead."
    )]
    ApiWorkflow,
    #[error("This JSON file is not a Shotline project; choose a .shotline.json file exported from Shotline.")]
    NotAProject,
    #[error("This project file has no valid schema version; it may have been cut short or edited by hand.")]
    MissingVersion,
    #[error(
        "This project was saved by a newer Shotline (file version {found}, this one reads up to {supported}); update Shotline to open it."
    )]
    NewerVersion { found: u64, supported: u32 },
    #[error("This project file (version {from}) could not be upgraded: {reason}.")]
    Migration { from: u32, reason: String },
    #[error("This project file is damaged: {0}.")]
    Malformed(String),
    #[error("This project file has no scenes; a project needs at least one.")]
    NoScenes,
    #[error("This project file uses the id {id} for two {kind}s; it may have been edited by hand.")]
    DuplicateId { kind: &'static str, id: String },
    #[error("In this project file, {used_by} uses a workflow profile that is not in the file.")]
    MissingProfile { used_by: String },
    #[error("In this project file, Shot {shot_number} does not last a positive number of seconds.")]
    InvalidDuration { shot_number: usize },
    #[error("In this project file, Shot {shot_number} shows a take it does not have.")]
    UnknownChosenTake { shot_number: usize },
    #[error(
        "The file carries media of type \"{mime}\", which Shotline does not keep (PNG, JPEG, WebP and GIF images, MP4 and WebM videos only)."
    )]
    UnsupportedMedia { id: MediaId, mime: String },
    #[error("Media {id} in the file is not a base64 data URL of its declared type; the file is damaged.")]
    MediaDataMismatch { id: MediaId },
    #[error(
        "{} keyframe images that are neither in the file nor in this browser; export the project again with its media.",
        shot_list(.shot_numbers)
    )]
    DanglingMedia { shot_numbers: Vec<usize> },
    #[error("The project could not be written as JSON: {0}.")]
    Serialize(String),
}

const BYTES_PER_MB: u64 = 1024 * 1024;

fn shot_list(numbers: &[usize]) -> String {
    let list = numbers
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    match numbers {
        [_] => format!("Shot {list} uses"),
        _ => format!("Shots {list} use"),
    }
}
