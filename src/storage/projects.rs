//! Projects in the `projects` store: list, load, first save, saves of what changed (with
//! a revision check so two tabs never overwrite each other silently), delete.

use rexie::{KeyRange, Store, TransactionMode};
use shotline_model::project::{Change, Project, ProjectId};
use wasm_bindgen::JsValue;

use super::Storage;
use super::error::StorageError;
use super::media::unlink_project;
use super::project_parts::{Part, PartWrite, all_parts, assemble, changed_parts, part_key, read_header};
use super::records::{During, array_key, commit, store, text_field, transaction};
use super::render_queue::delete_queue_in;
use super::schema::{
    JOBS, JOBS_BY_PROJECT, MEDIA, MEDIA_BY_PROJECT, PROJECTS, PROJECTS_BY_PART, RENDER_QUEUE, SETTINGS,
};

/// What the project list shows, read from the headers alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSummary {
    pub id: ProjectId,
    pub name: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredProject {
    pub project: Project,
    /// Pass it back to [`Storage::save_project_changes`].
    pub revision: u64,
}

/// A save that landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveReceipt {
    pub revision: u64,
    /// JSON bytes of the records put (deletions count nothing).
    pub bytes_written: u64,
}

impl Storage {
    pub async fn list_projects(&self) -> Result<Vec<ProjectSummary>, StorageError> {
        const OPERATION: &str = "list projects";
        let tx = transaction(self.db()?, &[PROJECTS], TransactionMode::ReadOnly, OPERATION)?;
        let headers = store(&tx, PROJECTS, OPERATION)?
            .index(PROJECTS_BY_PART)
            .during(OPERATION)?
            .get_all(
                Some(KeyRange::only(&Part::Header.as_str().into()).during(OPERATION)?),
                None,
            )
            .await
            .during(OPERATION)?;
        let mut summaries = Vec::with_capacity(headers.len());
        for value in headers {
            match read_header(&text_field(&value, "project_id"), &value) {
                Ok(body) => summaries.push(ProjectSummary {
                    id: body.project.id,
                    name: body.project.name,
                    created_at_ms: body.project.created_at_ms,
                    updated_at_ms: body.project.updated_at_ms,
                }),
                Err(corrupt) => self.report_skipped(corrupt),
            }
        }
        Ok(summaries)
    }

    /// The project; damaged scenes or shots are left out and reported (see
    /// [`Storage::take_skipped_records`]) so the rest still opens.
    pub async fn load_project(&self, id: &ProjectId) -> Result<StoredProject, StorageError> {
        const OPERATION: &str = "open a project";
        let tx = transaction(self.db()?, &[PROJECTS], TransactionMode::ReadOnly, OPERATION)?;
        let values = store(&tx, PROJECTS, OPERATION)?
            .get_all(Some(project_range(id)?), None)
            .await
            .during(OPERATION)?;
        if values.is_empty() {
            return Err(StorageError::NotFound {
                what: "project",
                key: id.to_string(),
            });
        }
        let assembled = assemble(id.as_str(), &values)?;
        for skipped in assembled.skipped {
            self.report_skipped(skipped);
        }
        Ok(StoredProject {
            project: assembled.project,
            revision: assembled.revision,
        })
    }

    /// Stores a project that is not stored yet (new, duplicated, imported).
    pub async fn insert_project(&self, project: &Project) -> Result<SaveReceipt, StorageError> {
        const OPERATION: &str = "save a new project";
        const FIRST_REVISION: u64 = 1;
        let tx = transaction(self.db()?, &[PROJECTS], TransactionMode::ReadWrite, OPERATION)?;
        let projects = store(&tx, PROJECTS, OPERATION)?;
        if stored_revision(&projects, &project.id).await?.is_some() {
            return Err(StorageError::Conflict {
                project: project.id.to_string(),
            });
        }
        let mut bytes_written = 0;
        for record in all_parts(project, FIRST_REVISION)? {
            bytes_written += record.bytes;
            projects.put(&record.value, None).await.during(OPERATION)?;
        }
        commit(tx, OPERATION).await?;
        Ok(SaveReceipt {
            revision: FIRST_REVISION,
            bytes_written,
        })
    }

    /// Writes the parts `change` touched, if the stored project is still at
    /// `expected_revision`; otherwise another tab saved it since and nothing is written.
    pub async fn save_project_changes(
        &self,
        project: &Project,
        change: &Change,
        expected_revision: u64,
    ) -> Result<SaveReceipt, StorageError> {
        const OPERATION: &str = "save the project";
        let tx = transaction(self.db()?, &[PROJECTS], TransactionMode::ReadWrite, OPERATION)?;
        let projects = store(&tx, PROJECTS, OPERATION)?;
        if stored_revision(&projects, &project.id).await? != Some(expected_revision) {
            return Err(StorageError::Conflict {
                project: project.id.to_string(),
            });
        }
        let revision = expected_revision + 1;
        let mut bytes_written = 0;
        for write in changed_parts(project, change, revision)? {
            match write {
                PartWrite::Put(record) => {
                    bytes_written += record.bytes;
                    projects.put(&record.value, None).await.during(OPERATION)?;
                }
                PartWrite::Delete(key) => projects.delete(key).await.during(OPERATION)?,
            }
        }
        commit(tx, OPERATION).await?;
        Ok(SaveReceipt {
            revision,
            bytes_written,
        })
    }

    /// Deletes the project, its jobs, its render queue, and the media no other project uses.
    pub async fn delete_project(&self, id: &ProjectId) -> Result<(), StorageError> {
        const OPERATION: &str = "delete a project";
        let tx = transaction(
            self.db()?,
            &[PROJECTS, JOBS, MEDIA, RENDER_QUEUE, SETTINGS],
            TransactionMode::ReadWrite,
            OPERATION,
        )?;
        store(&tx, PROJECTS, OPERATION)?
            .delete(project_range(id)?.into())
            .await
            .during(OPERATION)?;
        let jobs = store(&tx, JOBS, OPERATION)?;
        let only_project = || KeyRange::only(&id.as_str().into()).during(OPERATION);
        let job_keys = jobs
            .index(JOBS_BY_PROJECT)
            .during(OPERATION)?
            .get_all_keys(Some(only_project()?), None)
            .await
            .during(OPERATION)?;
        for key in job_keys {
            jobs.delete(key).await.during(OPERATION)?;
        }
        let media = store(&tx, MEDIA, OPERATION)?;
        let media_keys = media
            .index(MEDIA_BY_PROJECT)
            .during(OPERATION)?
            .get_all_keys(Some(only_project()?), None)
            .await
            .during(OPERATION)?;
        // One record at a time: media values are large, and only their `project_ids` change.
        for key in media_keys {
            let Some(value) = media.get(key.clone()).await.during(OPERATION)? else {
                continue;
            };
            match unlink_project(&value, id.as_str()) {
                Some(still_used) => drop(media.put(&still_used, None).await.during(OPERATION)?),
                None => media.delete(key).await.during(OPERATION)?,
            }
        }
        delete_queue_in(&tx, id.as_str(), OPERATION).await?;
        commit(tx, OPERATION).await
    }
}

/// Every record of one project: keys `[id, ...]` sort after `[id]` and before `[id, []]`,
/// since IndexedDB orders arrays after strings.
fn project_range(id: &ProjectId) -> Result<KeyRange, StorageError> {
    let upper: JsValue = js_sys::Array::of2(&id.as_str().into(), &js_sys::Array::new()).into();
    KeyRange::bound(&array_key(&[id.as_str()]), &upper, None, None).during("select a project")
}

async fn stored_revision(projects: &Store, id: &ProjectId) -> Result<Option<u64>, StorageError> {
    let key = part_key(id.as_str(), Part::Header, "");
    let Some(value) = projects.get(key).await.during("check the project's revision")? else {
        return Ok(None);
    };
    Ok(Some(read_header(id.as_str(), &value)?.revision))
}
