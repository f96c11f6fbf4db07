//! The database layout, declared in one place, and the record upgrades between versions.
//!
//! Version 1 (the first release):
//! - `projects`: a project split into parts, keyed `[project_id, part, id]`: one `header`
//!   (name, notes, style, servers, scene order, revision), one `profiles` (the workflow
//!   profiles, large and rarely edited), one record per `scene` (its fields and shot
//!   order) and one per `shot`. Editing a shot rewrites that shot and the small header,
//!   not the project. Index `by_part` lists the headers without reading the rest.
//! - `jobs`: one row per submission keyed by `prompt_id`; indexes `by_project`, `by_status`.
//! - `media`: one row per distinct content keyed by its sha-256; index `by_project`
//!   (multi-entry over `project_ids`, since identical media is shared, not copied).
//! - `settings`: small values keyed by `key`.
//!
//! Version 2 (the render queue):
//! - `render_queue`: one record per queue entry keyed by its `id`; index `by_project` on
//!   its `project`. The queue's own settings (paused, measured durations) are one
//!   `settings` record per project, `render_queue.<project_id>`.
//!
//! rexie applies structural changes (new stores, new indexes) itself during
//! `upgradeneeded` (keeping the stores [`declare`] still lists) but offers no hook there
//! to rewrite records, so record upgrades run right after open, keyed by the version
//! stamped in `settings`. A new version means: bump [`DB_VERSION`], declare its stores in
//! [`declare`], and add an arm to [`upgrade_records`] for the step from the version
//! before, calling one function that rewrites that version's records.

use rexie::{Index, ObjectStore, Rexie, RexieBuilder};

use super::error::StorageError;
use super::settings_store::{read_setting, write_setting};

/// The IndexedDB version this build creates and reads.
pub const DB_VERSION: u32 = 2;

pub(super) const PROJECTS: &str = "projects";
pub(super) const JOBS: &str = "jobs";
pub(super) const MEDIA: &str = "media";
pub(super) const SETTINGS: &str = "settings";
pub(super) const RENDER_QUEUE: &str = "render_queue";

pub(super) const PROJECTS_BY_PART: &str = "by_part";
pub(super) const JOBS_BY_PROJECT: &str = "by_project";
pub(super) const JOBS_BY_STATUS: &str = "by_status";
pub(super) const MEDIA_BY_PROJECT: &str = "by_project";
pub(super) const RENDER_QUEUE_BY_PROJECT: &str = "by_project";

/// The `settings` key holding the version the records were last upgraded to.
const RECORDS_VERSION_KEY: &str = "records_version";

pub(super) fn declare(name: &str) -> RexieBuilder {
    Rexie::builder(name)
        .version(DB_VERSION)
        .add_object_store(
            ObjectStore::new(PROJECTS)
                .key_path_array(["project_id", "part", "id"])
                .add_index(Index::new(PROJECTS_BY_PART, "part")),
        )
        .add_object_store(
            ObjectStore::new(JOBS)
                .key_path("prompt_id")
                .add_index(Index::new(JOBS_BY_PROJECT, "project_id"))
                .add_index(Index::new(JOBS_BY_STATUS, "status")),
        )
        .add_object_store(
            ObjectStore::new(MEDIA)
                .key_path("id")
                .add_index(Index::new(MEDIA_BY_PROJECT, "project_ids").multi_entry(true)),
        )
        .add_object_store(ObjectStore::new(SETTINGS).key_path("key"))
        .add_object_store(
            ObjectStore::new(RENDER_QUEUE)
                .key_path("id")
                .add_index(Index::new(RENDER_QUEUE_BY_PROJECT, "project")),
        )
}

/// Brings records written by an older version up to [`DB_VERSION`], one version at a
/// time, stamping each step so an interrupted upgrade resumes where it stopped.
pub(super) async fn upgrade_records(db: &Rexie) -> Result<(), StorageError> {
    let Some(mut version) = read_setting::<u32>(db, RECORDS_VERSION_KEY).await? else {
        // A database this open just created: nothing to upgrade.
        return write_setting(db, RECORDS_VERSION_KEY, &DB_VERSION).await;
    };
    while version != DB_VERSION {
        version = match version {
            // Version 2 only added the `render_queue` store: no record to rewrite.
            1 => 2,
            other => {
                return Err(StorageError::failed(
                    "upgrade the saved data",
                    format!("there is no upgrade from record version {other}"),
                ));
            }
        };
        write_setting(db, RECORDS_VERSION_KEY, &version).await?;
    }
    Ok(())
}
