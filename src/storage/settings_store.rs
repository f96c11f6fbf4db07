//! Small values kept in IndexedDB's `settings` store (what the app reopens, the data
//! version). The server address stays in localStorage (see `settings`): the first paint
//! needs it before IndexedDB can answer.

use rexie::{Rexie, TransactionMode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Storage;
use super::error::StorageError;
use super::records::{During, JsRecord, commit, from_js, store, to_js, transaction};
use super::schema::SETTINGS;

#[derive(Serialize, Deserialize)]
struct SettingRecord<T> {
    key: String,
    value: T,
}

impl Storage {
    /// The value saved under `key`; `None` if none was, or if it no longer reads as `T`
    /// (reported among the skipped records).
    pub async fn get_setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StorageError> {
        match read_setting(self.db()?, key).await {
            Err(corrupt @ StorageError::CorruptRecord { .. }) => {
                self.report_skipped(corrupt);
                Ok(None)
            }
            other => other,
        }
    }

    pub async fn put_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        write_setting(self.db()?, key, value).await
    }
}

pub(super) async fn read_setting<T: DeserializeOwned>(
    db: &Rexie,
    key: &str,
) -> Result<Option<T>, StorageError> {
    const OPERATION: &str = "read a setting";
    let tx = transaction(db, &[SETTINGS], TransactionMode::ReadOnly, OPERATION)?;
    let found = store(&tx, SETTINGS, OPERATION)?
        .get(key.into())
        .await
        .during(OPERATION)?;
    found
        .map(|value| from_js::<SettingRecord<T>>(SETTINGS, key, &value).map(|record| record.value))
        .transpose()
}

pub(super) async fn write_setting<T: Serialize>(
    db: &Rexie,
    key: &str,
    value: &T,
) -> Result<(), StorageError> {
    const OPERATION: &str = "save a setting";
    let record = setting_record(key, value)?;
    let tx = transaction(db, &[SETTINGS], TransactionMode::ReadWrite, OPERATION)?;
    store(&tx, SETTINGS, OPERATION)?
        .put(&record.value, None)
        .await
        .during(OPERATION)?;
    commit(tx, OPERATION).await
}

/// The record `key` is stored as, for a write inside a transaction over other stores too.
pub(super) fn setting_record<T: Serialize>(key: &str, value: &T) -> Result<JsRecord, StorageError> {
    to_js(&SettingRecord {
        key: key.to_owned(),
        value,
    })
}
