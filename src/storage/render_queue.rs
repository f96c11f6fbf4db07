//! The render queue's records: one per entry in `render_queue`, and the queue's settings
//! as one `settings` record per project. Entries go to `shotline_model::render_queue` raw
//! (JSON values), since its `load` decides what a damaged record means and counts it.
//!
//! Every number in an entry survives the browser's JSON (f64) exactly: entry, job, shot
//! and profile ids are strings, take counts are u8, and `order` and the timestamps are
//! i64 milliseconds or move counters, far inside ±2^53.

use rexie::{KeyRange, Transaction, TransactionMode};
use shotline_model::render_queue::QueueChanges;
use wasm_bindgen::JsValue;

use super::Storage;
use super::error::StorageError;
use super::records::{During, commit, from_js, store, text_field, to_js, transaction};
use super::schema::{RENDER_QUEUE, RENDER_QUEUE_BY_PROJECT, SETTINGS};
use super::settings_store::setting_record;

/// A project's queue settings live in `settings` under this prefix and its id.
const SETTINGS_KEY_PREFIX: &str = "render_queue.";

impl Storage {
    /// Writes what the queue changed since its last drain, entries and settings in one
    /// transaction that has committed when this returns: the caller POSTs placements
    /// only after, so a reload finds every take that may have reached a server. Nothing
    /// to write opens no transaction.
    pub async fn write_queue_changes(
        &self,
        changes: &QueueChanges,
        project_id: &str,
    ) -> Result<(), StorageError> {
        const OPERATION: &str = "save the render queue";
        if changes.is_empty() {
            return Ok(());
        }
        // Made before the transaction: a record that cannot be made fails with nothing written.
        let entries = changes
            .put
            .iter()
            .map(|entry| to_js(entry).map(|record| record.value))
            .collect::<Result<Vec<_>, _>>()?;
        let settings = changes
            .settings
            .as_ref()
            .map(|settings| setting_record(&settings_key(project_id), settings))
            .transpose()?;
        let tx = transaction(
            self.db()?,
            &[RENDER_QUEUE, SETTINGS],
            TransactionMode::ReadWrite,
            OPERATION,
        )?;
        let queue = store(&tx, RENDER_QUEUE, OPERATION)?;
        for id in &changes.delete {
            queue.delete(id.as_str().into()).await.during(OPERATION)?;
        }
        for value in &entries {
            queue.put(value, None).await.during(OPERATION)?;
        }
        if let Some(record) = settings {
            store(&tx, SETTINGS, OPERATION)?
                .put(&record.value, None)
                .await
                .during(OPERATION)?;
        }
        commit(tx, OPERATION).await
    }

    /// The project's entry records and its queue settings, raw, for
    /// `RenderQueue::load`. A record that cannot be read as JSON comes back as `null`,
    /// which the queue counts as skipped.
    pub async fn queue_records(
        &self,
        project_id: &str,
    ) -> Result<(Vec<serde_json::Value>, Option<serde_json::Value>), StorageError> {
        const OPERATION: &str = "read the render queue";
        let tx = transaction(
            self.db()?,
            &[RENDER_QUEUE, SETTINGS],
            TransactionMode::ReadOnly,
            OPERATION,
        )?;
        let range = KeyRange::only(&project_id.into()).during(OPERATION)?;
        let rows = store(&tx, RENDER_QUEUE, OPERATION)?
            .index(RENDER_QUEUE_BY_PROJECT)
            .during(OPERATION)?
            .get_all(Some(range), None)
            .await
            .during(OPERATION)?;
        let key = settings_key(project_id);
        let settings = store(&tx, SETTINGS, OPERATION)?
            .get(key.as_str().into())
            .await
            .during(OPERATION)?;
        let records = rows
            .iter()
            .map(|row| as_json(RENDER_QUEUE, &text_field(row, "id"), row))
            .collect();
        let settings = settings.map(|record| match as_json(SETTINGS, &key, &record) {
            serde_json::Value::Object(mut fields) => fields.remove("value").unwrap_or_default(),
            _ => serde_json::Value::Null,
        });
        Ok((records, settings))
    }

    /// Forgets the project's queue: its entries and its queue settings.
    pub async fn delete_project_queue(&self, project_id: &str) -> Result<(), StorageError> {
        const OPERATION: &str = "delete the render queue";
        let tx = transaction(
            self.db()?,
            &[RENDER_QUEUE, SETTINGS],
            TransactionMode::ReadWrite,
            OPERATION,
        )?;
        delete_queue_in(&tx, project_id, OPERATION).await?;
        commit(tx, OPERATION).await
    }
}

/// Deletes the project's queue entries and queue settings as part of `tx`, which must
/// cover [`RENDER_QUEUE`] and [`SETTINGS`] read-write (deleting a project does it in the
/// same transaction as the project's other records).
pub(super) async fn delete_queue_in(
    tx: &Transaction,
    project_id: &str,
    operation: &'static str,
) -> Result<(), StorageError> {
    let queue = store(tx, RENDER_QUEUE, operation)?;
    let keys = queue
        .index(RENDER_QUEUE_BY_PROJECT)
        .during(operation)?
        .get_all_keys(Some(KeyRange::only(&project_id.into()).during(operation)?), None)
        .await
        .during(operation)?;
    for key in keys {
        queue.delete(key).await.during(operation)?;
    }
    store(tx, SETTINGS, operation)?
        .delete(settings_key(project_id).as_str().into())
        .await
        .during(operation)
}

fn settings_key(project_id: &str) -> String {
    format!("{SETTINGS_KEY_PREFIX}{project_id}")
}

/// The stored value as JSON, or `null` (logged with its key) if the browser cannot write
/// it as JSON (a BigInt, `undefined`).
fn as_json(store: &'static str, key: &str, value: &JsValue) -> serde_json::Value {
    from_js(store, key, value).unwrap_or_else(|unreadable: StorageError| {
        web_sys::console::warn_1(&format!("Shotline storage: {unreadable}").into());
        serde_json::Value::Null
    })
}
