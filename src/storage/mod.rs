//! Everything the app remembers in the browser. This module is the only IndexedDB
//! (rexie) user; `schema` documents the layout and how versions upgrade.

mod browser_media;
mod database;
mod error;
mod jobs;
mod media;
mod project_parts;
mod projects;
mod records;
mod render_queue;
mod schema;
pub mod settings;
mod settings_store;
mod usage;

pub use browser_media::BrowserMedia;
pub use database::{DB_NAME, Storage};
pub use error::StorageError;
pub use jobs::{JobRecord, JobStatus, KeyframeInput};
pub use media::MediaRecord;
pub use projects::{ProjectSummary, SaveReceipt, StoredProject};
pub use schema::DB_VERSION;
pub use usage::{ProjectUsage, StorageEstimate};
