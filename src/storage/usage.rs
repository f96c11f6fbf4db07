//! How much room Shotline takes and has: shown when a save fails for lack of space, so
//! the user knows what to delete or export.

use std::collections::HashMap;

use rexie::TransactionMode;
use shotline_model::ordered::sort_stable_by;
use shotline_model::project::ProjectId;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::Storage;
use super::error::StorageError;
use super::records::{During, store, transaction};
use super::schema::MEDIA;

/// `navigator.storage.estimate()`: bytes used by this origin and bytes it may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageEstimate {
    pub usage_bytes: f64,
    pub quota_bytes: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectUsage {
    pub project_id: ProjectId,
    pub name: String,
    /// Media shared with other projects counts for each of them.
    pub media_bytes: u64,
}

impl Storage {
    pub async fn estimate() -> Result<StorageEstimate, StorageError> {
        const OPERATION: &str = "estimate storage use";
        let manager = web_sys::window()
            .ok_or_else(|| StorageError::failed(OPERATION, "there is no window"))?
            .navigator()
            .storage();
        let promise = manager
            .estimate()
            .map_err(|_| StorageError::failed(OPERATION, "the browser refused"))?;
        let estimate: web_sys::StorageEstimate = JsFuture::from(promise)
            .await
            .map_err(|_| StorageError::failed(OPERATION, "the browser refused"))?
            .unchecked_into();
        Ok(StorageEstimate {
            usage_bytes: estimate.get_usage().unwrap_or_default(),
            quota_bytes: estimate.get_quota().unwrap_or_default(),
        })
    }

    /// Projects by the bytes of media they use, largest first, at most `limit` of them.
    pub async fn largest_projects(&self, limit: usize) -> Result<Vec<ProjectUsage>, StorageError> {
        const OPERATION: &str = "measure projects";
        let mut bytes_by_project: HashMap<String, u64> = HashMap::new();
        let keys = {
            let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadOnly, OPERATION)?;
            store(&tx, MEDIA, OPERATION)?
                .get_all_keys(None, None)
                .await
                .during(OPERATION)?
        };
        // One record per transaction: each value is a whole video, and only its size and
        // owners are needed, so never more than one is held at a time.
        for key in keys {
            let tx = transaction(self.db()?, &[MEDIA], TransactionMode::ReadOnly, OPERATION)?;
            let Some(value) = store(&tx, MEDIA, OPERATION)?.get(key).await.during(OPERATION)? else {
                continue;
            };
            let bytes = js_sys::Reflect::get(&value, &"bytes".into())
                .ok()
                .and_then(|bytes| bytes.as_f64())
                .unwrap_or_default() as u64;
            let owners = js_sys::Reflect::get(&value, &"project_ids".into())
                .ok()
                .and_then(|ids| ids.dyn_into::<js_sys::Array>().ok())
                .unwrap_or_default();
            for owner in owners.iter().filter_map(|id| id.as_string()) {
                *bytes_by_project.entry(owner).or_default() += bytes;
            }
        }
        let names: HashMap<String, String> = self
            .list_projects()
            .await?
            .into_iter()
            .map(|summary| (summary.id.to_string(), summary.name))
            .collect();
        let mut usage: Vec<ProjectUsage> = bytes_by_project
            .into_iter()
            .map(|(id, media_bytes)| ProjectUsage {
                name: names.get(&id).cloned().unwrap_or_default(),
                project_id: ProjectId::new(id),
                media_bytes,
            })
            .collect();
        sort_stable_by(&mut usage, |a, b| b.media_bytes.cmp(&a.media_bytes));
        usage.truncate(limit);
        Ok(usage)
    }
}
