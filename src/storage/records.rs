//! The bridge between Rust records and IndexedDB: JSON in and out, transactions that
//! report errors as [`StorageError`].
//!
//! Records go through `JSON.parse`/`JSON.stringify` rather than a serde-to-JsValue crate:
//! it adds no code to the bundle, and the JSON text's length is the byte count the save
//! layer reports.

use rexie::{Rexie, Store, Transaction, TransactionMode, TransactionResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::error::StorageError;

/// A record ready to put, with the size of its JSON text.
pub(super) struct JsRecord {
    pub value: JsValue,
    pub bytes: u64,
}

pub(super) fn to_js<T: Serialize>(record: &T) -> Result<JsRecord, StorageError> {
    let text = serde_json::to_string(record).map_err(|e| StorageError::failed("prepare a record", e))?;
    let value =
        js_sys::JSON::parse(&text).map_err(|_| StorageError::failed("prepare a record", "bad JSON"))?;
    Ok(JsRecord {
        value,
        bytes: text.len() as u64,
    })
}

/// A stored value read back; anything that does not fit `T` is a damaged record.
pub(super) fn from_js<T: DeserializeOwned>(
    store: &'static str,
    key: &str,
    value: &JsValue,
) -> Result<T, StorageError> {
    let corrupt = |reason: String| StorageError::CorruptRecord {
        store,
        key: key.to_owned(),
        reason,
    };
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| corrupt("it cannot be read as JSON".to_owned()))?;
    serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))
}

/// Names the operation a rexie call was part of, for the error sentence.
pub(super) trait During<T> {
    fn during(self, operation: &'static str) -> Result<T, StorageError>;
}

impl<T> During<T> for rexie::Result<T> {
    fn during(self, operation: &'static str) -> Result<T, StorageError> {
        self.map_err(|error| StorageError::from_rexie(operation, error))
    }
}

/// rexie re-exports idb's key ranges, which fail with idb's error.
impl<T> During<T> for Result<T, idb::Error> {
    fn during(self, operation: &'static str) -> Result<T, StorageError> {
        self.map_err(|error| StorageError::from_rexie(operation, rexie::Error::IdbError(error)))
    }
}

pub(super) fn transaction(
    db: &Rexie,
    stores: &[&str],
    mode: TransactionMode,
    operation: &'static str,
) -> Result<Transaction, StorageError> {
    db.transaction(stores, mode).during(operation)
}

pub(super) fn store(tx: &Transaction, name: &str, operation: &'static str) -> Result<Store, StorageError> {
    tx.store(name).during(operation)
}

/// Waits for a write transaction to land. Shotline never aborts a write itself, and the
/// spec aborts a committing transaction for lack of space (rexie reports the abort but
/// drops its DOMException), so an abort is reported as a full disk.
pub(super) async fn commit(tx: Transaction, operation: &'static str) -> Result<(), StorageError> {
    match tx.done().await.during(operation)? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(StorageError::QuotaExceeded),
    }
}

/// An IndexedDB array key, e.g. `[project_id, part, id]`.
pub(super) fn array_key(parts: &[&str]) -> JsValue {
    parts
        .iter()
        .map(|part| JsValue::from_str(part))
        .collect::<js_sys::Array>()
        .into()
}

/// A string field of a stored value, read without parsing the rest (which may be large,
/// or damaged); empty if absent.
pub(super) fn text_field(value: &JsValue, field: &str) -> String {
    js_sys::Reflect::get(value, &JsValue::from_str(field))
        .ok()
        .and_then(|field| field.as_string())
        .unwrap_or_default()
}
