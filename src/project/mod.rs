//! `use_project_data()`: the open project, its undo history, the project list, and the
//! saves that keep them in IndexedDB. Views read its signals and call its methods; every
//! edit is one reducer of `shotline_model::project`.
//!
//! Saves are debounced and batched: the [`Change`](shotline_model::project::Change)s of
//! the actions in one quiet period are merged and only the records they touched are
//! written, checked against the revision this tab last saw. Unfinished jobs are not
//! loaded here: the generation engine reads `Storage::unfinished_jobs` on start.

mod edit;
mod error;
mod handle;
mod library;
mod save;
mod session;
mod tabs;
mod transfer;

pub use error::ProjectError;
pub use handle::ProjectData;
pub use library::DELETE_UNDO_WINDOW_MS;
pub use save::{SAVE_DEBOUNCE_MS, SaveStats};
pub use session::Selection;

use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::storage::{Storage, StorageError};

/// Installs the handle for the views below and reopens what was open before the reload.
/// `storage` is the result of opening the database: on an error the app runs in memory
/// and [`ProjectData::storage_problem`] says why, for a permanent banner.
pub fn provide_project_data(storage: Result<Storage, StorageError>) -> ProjectData {
    let data = ProjectData::new(storage);
    provide_context(data);
    spawn_local(async move {
        if let Err(error) = data.restore().await {
            data.report(error);
        }
    });
    data
}

pub fn use_project_data() -> ProjectData {
    expect_context()
}
