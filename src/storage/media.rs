//! The media store: keyframes and outputs as data URLs, one record per distinct content.
//! The record's id is the sha-256 of the bytes, so saving the same image twice (a
//! duplicated project, a re-imported file) stores it once and links it to both projects.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rexie::{KeyRange, TransactionMode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shotline_model::project::MediaId;
use wasm_bindgen::{JsCast, JsValue};

use super::Storage;
use super::browser_media::BrowserMedia;
use super::error::StorageError;
use super::records::{During, commit, from_js, store, text_field, to_js, transaction};
use super::schema::{MEDIA, MEDIA_BY_PROJECT};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRecord {
    /// Equal to `sha256`: the content is the identity.
    pub id: MediaId,
    pub mime: String,
    /// `data:<mime>;base64,<bytes>`
    pub data_url: String,
    /// Size of the decoded bytes.
    pub bytes: u64,
    /// Lowercase hex of the decoded bytes.
    pub sha256: String,
    pub created_ms: f64,
    /// Projects that use it; deleting the last one deletes the media.
    pub project_ids: Vec<String>,
}

impl Storage {
    /// Stores media for `project_id` and returns its id. `bytes_len` is the size of the
    /// decoded bytes the caller fetched: a data URL that does not decode to that many
    /// bytes is refused rather than stored cut short.
    pub async fn put_media(
        &self,
        project_id: &str,
        mime: &str,
        data_url: &str,
        bytes_len: u64,
    ) -> Result<MediaId, StorageError> {
        let sha256 = content_hash(mime, data_url, bytes_len)?;
        let data_url = JsValue::from_str(data_url);
        self.store_media(project_id, mime, &data_url, bytes_len, sha256)
            .await
    }

    /// `put_media` for media the browser already holds (a `/view` download): the same
    /// record under the same id, with the data URL put as the JS string the browser made.
    pub async fn put_browser_media(
        &self,
        project_id: &str,
        media: &BrowserMedia,
    ) -> Result<MediaId, StorageError> {
        let BrowserMedia {
            mime,
            data_url,
            bytes,
            sha256,
        } = media;
        self.store_media(project_id, mime, data_url, *bytes, sha256.clone())
            .await
    }

    /// Writes the record unless the content is stored already, then links the project.
    /// The data URL (megabytes) is set on the record as a JS value: serialising it with
    /// the small fields would copy it through JSON twice on the main thread.
    async fn store_media(
        &self,
        project_id: &str,
        mime: &str,
        data_url: &JsValue,
        bytes_len: u64,
        sha256: String,
    ) -> Result<MediaId, StorageError> {
        const OPERATION: &str = "save media";
        if let Some(injected) = self.injected_media_write_failure() {
            return Err(injected);
        }
        let id = MediaId::new(sha256.clone());
        let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadWrite, OPERATION)?;
        let media = store(&tx, MEDIA, OPERATION)?;
        match media.get(sha256.as_str().into()).await.during(OPERATION)? {
            Some(existing) => {
                // Linking touches only the small `project_ids` array of the stored value;
                // the data URL is put back as it was, never re-encoded.
                if let Some(linked) = link_project(&existing, project_id) {
                    media.put(&linked, None).await.during(OPERATION)?;
                }
            }
            None => {
                let record = MediaRecord {
                    id: id.clone(),
                    mime: mime.to_owned(),
                    data_url: String::new(),
                    bytes: bytes_len,
                    sha256,
                    created_ms: js_sys::Date::now(),
                    project_ids: vec![project_id.to_owned()],
                };
                let value = to_js(&record)?.value;
                js_sys::Reflect::set(&value, &"data_url".into(), data_url)
                    .map_err(|_| StorageError::failed(OPERATION, "could not set the data URL"))?;
                media.put(&value, None).await.during(OPERATION)?;
            }
        }
        commit(tx, OPERATION).await?;
        Ok(id)
    }

    pub async fn get_media(&self, id: &MediaId) -> Result<Option<MediaRecord>, StorageError> {
        const OPERATION: &str = "read media";
        let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadOnly, OPERATION)?;
        let found = store(&tx, MEDIA, OPERATION)?
            .get(id.as_str().into())
            .await
            .during(OPERATION)?;
        found.map(|value| from_js(MEDIA, id.as_str(), &value)).transpose()
    }

    /// Every media record the project uses; damaged ones are skipped and reported.
    pub async fn media_for_project(&self, project_id: &str) -> Result<Vec<MediaRecord>, StorageError> {
        const OPERATION: &str = "read a project's media";
        let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadOnly, OPERATION)?;
        let range = KeyRange::only(&project_id.into()).during(OPERATION)?;
        let values = store(&tx, MEDIA, OPERATION)?
            .index(MEDIA_BY_PROJECT)
            .during(OPERATION)?
            .get_all(Some(range), None)
            .await
            .during(OPERATION)?;
        let mut records = Vec::with_capacity(values.len());
        for value in values {
            match from_js(MEDIA, &text_field(&value, "id"), &value) {
                Ok(record) => records.push(record),
                Err(corrupt) => self.report_skipped(corrupt),
            }
        }
        Ok(records)
    }

    /// Ids of all stored media, without reading the media.
    pub async fn media_ids(&self) -> Result<Vec<MediaId>, StorageError> {
        const OPERATION: &str = "list media";
        let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadOnly, OPERATION)?;
        let keys = store(&tx, MEDIA, OPERATION)?
            .get_all_keys(None, None)
            .await
            .during(OPERATION)?;
        Ok(keys
            .iter()
            .filter_map(JsValue::as_string)
            .map(MediaId::new)
            .collect())
    }
}

/// The sha-256 of the bytes a `data:<mime>;base64,` URL carries, as lowercase hex.
fn content_hash(mime: &str, data_url: &str, bytes_len: u64) -> Result<String, StorageError> {
    let mismatch = StorageError::MediaMismatch {
        expected_bytes: bytes_len,
    };
    let payload = data_url
        .strip_prefix("data:")
        .and_then(|rest| rest.strip_prefix(mime))
        .and_then(|rest| rest.strip_prefix(";base64,"))
        .ok_or_else(|| mismatch.clone())?;
    let bytes = BASE64.decode(payload).map_err(|_| mismatch.clone())?;
    if bytes.len() as u64 != bytes_len {
        return Err(mismatch);
    }
    Ok(lowercase_hex(&Sha256::digest(&bytes)))
}

/// How a media id spells its sha-256.
pub(super) fn lowercase_hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The stored value with `project_id` added to its `project_ids`; `None` if already there.
pub(super) fn link_project(value: &JsValue, project_id: &str) -> Option<JsValue> {
    let ids: js_sys::Array = js_sys::Reflect::get(value, &"project_ids".into())
        .ok()?
        .dyn_into()
        .ok()?;
    if ids.iter().any(|id| id.as_string().as_deref() == Some(project_id)) {
        return None;
    }
    ids.push(&project_id.into());
    Some(value.clone())
}

/// The stored value without `project_id` in its `project_ids`; `None` when no project
/// uses it any more and it can go.
pub(super) fn unlink_project(value: &JsValue, project_id: &str) -> Option<JsValue> {
    let ids: js_sys::Array = js_sys::Reflect::get(value, &"project_ids".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let remaining: js_sys::Array = ids
        .iter()
        .filter(|id| id.as_string().as_deref() != Some(project_id))
        .collect();
    if remaining.length() == 0 {
        return None;
    }
    js_sys::Reflect::set(value, &"project_ids".into(), &remaining).ok()?;
    Some(value.clone())
}

impl Storage {
    /// Adds `project_id` to the users of media already stored (a duplicated project's
    /// keyframes), so deleting the original keeps them.
    pub async fn link_media(&self, project_id: &str, ids: &[MediaId]) -> Result<(), StorageError> {
        const OPERATION: &str = "link media to a project";
        let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadWrite, OPERATION)?;
        let media = store(&tx, MEDIA, OPERATION)?;
        for id in ids {
            let Some(value) = media.get(id.as_str().into()).await.during(OPERATION)? else {
                continue;
            };
            if let Some(linked) = link_project(&value, project_id) {
                media.put(&linked, None).await.during(OPERATION)?;
            }
        }
        commit(tx, OPERATION).await
    }
}
