//! What can go wrong keeping data in IndexedDB, and how a browser error becomes one of
//! these. The sentences say what happened; the view that shows one adds what to do.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DomException;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error("This browser does not let Shotline keep data here ({reason})")]
    Unavailable { reason: String },
    #[error("Another Shotline tab is still using the saved data with an older version")]
    Blocked,
    #[error("A newer Shotline opened in another tab and upgraded the saved data")]
    VersionChange,
    #[error("The saved data was written by a newer Shotline (this one reads up to version {supported})")]
    NewerVersion { supported: u32 },
    #[error("The browser's storage for Shotline is full")]
    QuotaExceeded,
    #[error("A saved {store} record ({key}) is damaged and was skipped: {reason}")]
    CorruptRecord {
        store: &'static str,
        key: String,
        reason: String,
    },
    #[error("There is no saved {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("This project was changed in another tab since it was opened here")]
    Conflict { project: String },
    #[error("The media to save is not a base64 data URL of {expected_bytes} bytes")]
    MediaMismatch { expected_bytes: u64 },
    #[error("The browser could not {operation}: {reason}")]
    Failed { operation: &'static str, reason: String },
}

/// DOMException names the IndexedDB spec uses for the cases handled apart.
const QUOTA_EXCEEDED: &str = "QuotaExceededError";
/// Thrown when a transaction is started on a connection closed by `versionchange`.
const INVALID_STATE: &str = "InvalidStateError";
const VERSION_ERROR: &str = "VersionError";

impl StorageError {
    /// Whether the user can fix this by making room (delete old projects or export).
    pub fn is_out_of_space(&self) -> bool {
        matches!(self, StorageError::QuotaExceeded)
    }

    /// A failed operation on an open database.
    pub(super) fn from_rexie(operation: &'static str, error: rexie::Error) -> Self {
        match dom_exception_name(&error).as_deref() {
            Some(QUOTA_EXCEEDED) => StorageError::QuotaExceeded,
            Some(INVALID_STATE) => StorageError::VersionChange,
            _ => StorageError::Failed {
                operation,
                reason: error_text(&error),
            },
        }
    }

    /// A failed open: the browser refused IndexedDB, or the database is newer.
    pub(super) fn from_open(error: rexie::Error, supported: u32) -> Self {
        match dom_exception_name(&error).as_deref() {
            Some(VERSION_ERROR) => StorageError::NewerVersion { supported },
            _ => StorageError::Unavailable {
                reason: error_text(&error),
            },
        }
    }

    /// The same classification for an exception thrown by the browser directly.
    pub(super) fn from_dom_exception(operation: &'static str, exception: &DomException) -> Self {
        match exception.name().as_str() {
            QUOTA_EXCEEDED => StorageError::QuotaExceeded,
            INVALID_STATE => StorageError::VersionChange,
            _ => StorageError::Failed {
                operation,
                reason: exception.message(),
            },
        }
    }

    pub(super) fn failed(operation: &'static str, reason: impl std::fmt::Display) -> Self {
        StorageError::Failed {
            operation,
            reason: reason.to_string(),
        }
    }
}

/// rexie wraps idb, which keeps the browser's DOMException either as the request's error
/// or as the value a synchronous call threw.
fn dom_exception_name(error: &rexie::Error) -> Option<String> {
    use idb::Error as Idb;
    let rexie::Error::IdbError(idb) = error else {
        return None;
    };
    let thrown: &JsValue = match idb {
        Idb::DomException(exception) => return Some(exception.name()),
        Idb::AddFailed(value)
        | Idb::UpdateFailed(value)
        | Idb::DeleteFailed(value)
        | Idb::GetFailed(value)
        | Idb::GetAllFailed(value)
        | Idb::GetAllKeysFailed(value)
        | Idb::TransactionOpenFailed(value)
        | Idb::TransactionCommitError(value)
        | Idb::IndexedDbOpenFailed(value)
        | Idb::IndexedDbNotFound(value) => value,
        _ => return None,
    };
    thrown.dyn_ref::<DomException>().map(DomException::name)
}

fn error_text(error: &rexie::Error) -> String {
    match error {
        rexie::Error::IdbError(idb) => idb.to_string(),
        other => other.to_string(),
    }
}
