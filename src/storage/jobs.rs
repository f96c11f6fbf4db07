//! One row per submission to ComfyUI, written before the POST so a reload can find and
//! reconcile work that was in flight.

use rexie::{KeyRange, TransactionMode};
use serde::{Deserialize, Serialize};
use shotline_protocol::job::Job;
use wasm_bindgen::JsValue;

use super::Storage;
use super::error::StorageError;
use super::records::{During, commit, from_js, store, text_field, to_js, transaction};
use super::schema::{JOBS, JOBS_BY_PROJECT, JOBS_BY_STATUS};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The key: made by the app before the POST.
    pub prompt_id: String,
    pub project_id: String,
    pub shot_id: String,
    /// The server's `ServerUrl`, as text: a job remembers its server forever.
    pub server: String,
    pub client_id: String,
    pub attempt: u32,
    pub created_ms: f64,
    pub updated_ms: f64,
    pub job: Job,
    /// Derived by the caller from `job`'s state; kept apart so the status index can find
    /// unfinished jobs without reading every row.
    pub status: JobStatus,
    /// The exact API prompt sent, for the run manifest and Resubmit. Stored as JSON
    /// text: its seed inputs are u64 numbers the browser's JSON would round.
    #[serde(with = "shotline_model::js_safe::json_text")]
    pub prompt: serde_json::Value,
    pub profile_id: Option<String>,
    /// Stored as text, for the same reason (old records hold a number).
    #[serde(default, with = "shotline_model::js_safe::optional_integer")]
    pub seed: Option<u64>,
    /// Media ids of the outputs that were saved.
    pub outputs: Vec<String>,
    /// Output file names whose media could not be saved (e.g. the disk was full).
    pub media_not_saved: Vec<String>,
    /// The inputs of `prompt` that hold an uploaded keyframe's file name, so a server that
    /// lost the file can be given it again (older records have none).
    #[serde(default)]
    pub keyframes: Vec<KeyframeInput>,
}

/// A node input filled with the name of an uploaded keyframe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyframeInput {
    pub node: String,
    pub input: String,
    /// The keyframe's media id in this browser's media store.
    pub media: String,
}

/// Whether a row whose status reads `stored` may be replaced by one with `status`.
fn keeps_verdict(stored: &str, status: JobStatus) -> bool {
    stored == status.name() || stored == JobStatus::Active.name()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Active,
    Done,
    Failed,
    Cancelled,
    Lost,
}

impl JobStatus {
    /// The name stored in the status index.
    pub fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Lost => "lost",
        }
    }
}

impl Storage {
    /// Writes the job, unless the stored row already holds a different verdict: a job
    /// ends once, and with two tabs following it the first verdict stands (a tab behind
    /// cannot turn another's Done back into Running, nor into Lost).
    pub async fn put_job(&self, record: &JobRecord) -> Result<(), StorageError> {
        const OPERATION: &str = "save a job";
        let value = to_js(record)?.value;
        let tx = transaction(self.db()?, &[JOBS], TransactionMode::ReadWrite, OPERATION)?;
        let jobs = store(&tx, JOBS, OPERATION)?;
        let stored = jobs
            .get(record.prompt_id.as_str().into())
            .await
            .during(OPERATION)?
            .map(|stored| text_field(&stored, "status"));
        if stored.is_none_or(|stored| keeps_verdict(&stored, record.status)) {
            jobs.put(&value, None).await.during(OPERATION)?;
        }
        commit(tx, OPERATION).await
    }

    pub async fn get_job(&self, prompt_id: &str) -> Result<Option<JobRecord>, StorageError> {
        const OPERATION: &str = "read a job";
        let tx = transaction(self.db()?, &[JOBS], TransactionMode::ReadOnly, OPERATION)?;
        let found = store(&tx, JOBS, OPERATION)?
            .get(prompt_id.into())
            .await
            .during(OPERATION)?;
        found.map(|value| from_js(JOBS, prompt_id, &value)).transpose()
    }

    /// Jobs still marked active: after a reload, the ones to reconcile with their server.
    pub async fn unfinished_jobs(&self) -> Result<Vec<JobRecord>, StorageError> {
        let status = JsValue::from_str(JobStatus::Active.name());
        self.jobs_by(JOBS_BY_STATUS, status, "read unfinished jobs").await
    }

    pub async fn jobs_for_project(&self, project_id: &str) -> Result<Vec<JobRecord>, StorageError> {
        self.jobs_by(JOBS_BY_PROJECT, project_id.into(), "read a project's jobs")
            .await
    }

    /// Rows whose `index` equals `key`; damaged rows are skipped and reported.
    async fn jobs_by(
        &self,
        index: &str,
        key: JsValue,
        operation: &'static str,
    ) -> Result<Vec<JobRecord>, StorageError> {
        let tx = transaction(self.db()?, &[JOBS], TransactionMode::ReadOnly, operation)?;
        let range = KeyRange::only(&key).during(operation)?;
        let rows = store(&tx, JOBS, operation)?
            .index(index)
            .during(operation)?
            .get_all(Some(range), None)
            .await
            .during(operation)?;
        let mut records = Vec::with_capacity(rows.len());
        for value in rows {
            match from_js(JOBS, &text_field(&value, "prompt_id"), &value) {
                Ok(record) => records.push(record),
                Err(corrupt) => self.report_skipped(corrupt),
            }
        }
        Ok(records)
    }
}
