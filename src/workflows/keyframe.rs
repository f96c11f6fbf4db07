//! Keyframes reach ComfyUI through `/upload/image` under a name made from their hash, and
//! only once per server: which hashes each server already has is remembered in memory and
//! in the settings store, so a reload does not upload them again.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use leptos::prelude::*;
use shotline_model::project::MediaId;
use shotline_model::server_url::ServerUrl;

use super::error::BuildError;
use super::handle::Workflows;
use crate::comfy::ComfyClient;
use crate::storage::MediaRecord;

/// Settings key prefix of one server's uploads; the server address completes it.
const UPLOADED_SETTING_PREFIX: &str = "keyframes_uploaded:";
/// Hex characters of the sha-256 kept in the uploaded file name: 64 bits, unique enough
/// among one person's keyframes, short enough to read in ComfyUI's file list.
const NAME_HASH_CHARS: usize = 16;

/// Per server: content hash → the name ComfyUI returned for it (the LoadImage value).
#[derive(Default)]
pub(super) struct UploadedKeyframes {
    by_server: HashMap<ServerUrl, HashMap<String, String>>,
}

impl Workflows {
    /// The LoadImage value of keyframe `media` on `server`, uploading it first unless
    /// that server already has it.
    pub async fn keyframe_on_server(
        &self,
        server: &ServerUrl,
        media: &MediaId,
    ) -> Result<String, BuildError> {
        let storage = self.storage.ok_or(BuildError::NoStorage)?;
        let record = storage
            .get_media(media)
            .await?
            .ok_or(BuildError::KeyframeNotStored)?;
        self.load_uploaded(server).await;
        let known = self.uploads.with_value(|uploads| {
            uploads
                .by_server
                .get(server)
                .and_then(|names| names.get(&record.sha256).cloned())
        });
        if let Some(name) = known {
            return Ok(name);
        }
        let (file_name, bytes) = upload_file(&record)?;
        let uploaded = ComfyClient::new(server.clone())
            .upload_image(&file_name, &bytes, &record.mime)
            .await
            .map_err(BuildError::KeyframeUpload)?;
        // The server may have renamed it (a different file held the name): use its answer.
        let name = uploaded.load_image_value();
        self.remember_upload(server, record.sha256, name.clone()).await;
        Ok(name)
    }

    /// Reads a server's remembered uploads from settings, once per page.
    async fn load_uploaded(&self, server: &ServerUrl) {
        if self
            .uploads
            .with_value(|uploads| uploads.by_server.contains_key(server))
        {
            return;
        }
        let saved = match self.storage {
            Some(storage) => storage
                .get_setting::<HashMap<String, String>>(&setting_key(server))
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            None => HashMap::new(),
        };
        self.uploads.update_value(|uploads| {
            uploads.by_server.entry(server.clone()).or_insert(saved);
        });
    }

    async fn remember_upload(&self, server: &ServerUrl, sha256: String, name: String) {
        let names = self.uploads.try_update_value(|uploads| {
            let names = uploads.by_server.entry(server.clone()).or_default();
            names.insert(sha256, name);
            names.clone()
        });
        let (Some(storage), Some(names)) = (self.storage, names) else {
            return;
        };
        // Forgetting costs one more upload of identical bytes, which ComfyUI dedupes.
        if let Err(error) = storage.put_setting(&setting_key(server), &names).await {
            web_sys::console::warn_1(
                &format!("Shotline could not remember a keyframe upload: {error}").into(),
            );
        }
    }
}

fn setting_key(server: &ServerUrl) -> String {
    format!("{UPLOADED_SETTING_PREFIX}{}", server.as_str())
}

/// The stable upload name and the decoded bytes of a stored keyframe.
fn upload_file(record: &MediaRecord) -> Result<(String, Vec<u8>), BuildError> {
    let format_error = || BuildError::KeyframeFormat {
        mime: record.mime.clone(),
    };
    let extension = match record.mime.as_str() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        _ => return Err(format_error()),
    };
    let encoded = record
        .data_url
        .split_once(";base64,")
        .map(|(_, encoded)| encoded)
        .ok_or_else(format_error)?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| BuildError::KeyframeNotStored)?;
    let hash: String = record.sha256.chars().take(NAME_HASH_CHARS).collect();
    Ok((format!("shotline_{hash}.{extension}"), bytes))
}
