//! The `.shotline.json` export/import format (the pure part: no file or storage access).

mod checks;
mod error;
mod format;
mod import;
mod migrate;

pub use error::ProjectFileError;
pub use format::{
    FILE_EXTENSION, FILE_FORMAT, MEDIA_MIME_TYPES, MediaEntry, ProjectFile, export_project, is_media_mime,
    referenced_media,
};
pub use import::{MAX_IMPORT_BYTES, check_import_size, import_project};
pub use migrate::SCHEMA_VERSION;
