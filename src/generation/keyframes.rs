//! Keyframes reach ComfyUI through `/upload/image` under a name made from their hash, and
//! only once per server: which hashes each server holds is remembered in memory and in the
//! settings store, so a reload does not upload them again.
//!
//! A server can lose them: its input folder cleaned, a restart on fresh storage, another
//! ComfyUI answering at the address. So a server's memory is dropped whenever the engine
//! suspects it restarted ([`super::servers::suspect_restart`]), and a submission rejected
//! because a keyframe's file is missing uploads it again, once (`super::submit`).

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use shotline_model::project::MediaId;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::http::{ApiPrompt, PromptRejected};
use wasm_bindgen_futures::spawn_local;

use super::engine::EngineRef;
use crate::comfy::{ComfyClient, ComfyError};
use crate::storage::{KeyframeInput, MediaRecord, Storage, StorageError};

/// Settings key prefix of one server's uploads; the server address completes it.
const UPLOADED_SETTING_PREFIX: &str = "keyframes_uploaded:";
/// Hex characters of the sha-256 kept in the uploaded file name: 64 bits, unique enough
/// among one person's keyframes, short enough to read in ComfyUI's file list.
const NAME_HASH_CHARS: usize = 16;

/// Getting a shot's keyframe onto a server.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyframeError {
    #[error("The shot's keyframe is no longer stored in this browser: choose the image again.")]
    NotStored,
    #[error(
        "The keyframe is a {mime} file; ComfyUI's Load Image takes PNG, JPEG or WebP. Choose another image."
    )]
    Format { mime: String },
    #[error("The shot's keyframe could not be uploaded: {0}")]
    Upload(ComfyError),
    #[error("The shot's keyframe could not be read: {0}")]
    Storage(#[from] StorageError),
    #[error("This browser is not keeping media, so the shot's keyframe cannot be read.")]
    NoStorage,
}

/// Per server key: content hash → the name ComfyUI returned for it (the LoadImage value).
/// A server without an entry has not been read from settings yet on this page.
#[derive(Default)]
pub(super) struct UploadedKeyframes {
    by_server: HashMap<String, HashMap<String, String>>,
}

/// The LoadImage value of keyframe `media` on `server`, uploading it first unless that
/// server is thought to have it already.
pub(super) async fn keyframe_on_server(
    engine: &EngineRef,
    server: &ServerUrl,
    media: &MediaId,
) -> Result<String, KeyframeError> {
    let storage = engine.borrow().storage.ok_or(KeyframeError::NoStorage)?;
    let record = storage.get_media(media).await?.ok_or(KeyframeError::NotStored)?;
    load_uploaded(engine, storage, server).await;
    let known = engine
        .borrow()
        .uploads
        .by_server
        .get(server.as_str())
        .and_then(|names| names.get(&record.sha256).cloned());
    if let Some(name) = known {
        return Ok(name);
    }
    let (file_name, bytes) = upload_file(&record)?;
    let uploaded = ComfyClient::new(server.clone())
        .upload_image(&file_name, &bytes, &record.mime)
        .await
        .map_err(KeyframeError::Upload)?;
    // The server may have renamed it (a different file held the name): use its answer.
    let name = uploaded.load_image_value();
    remember_upload(engine, storage, server, record.sha256, name.clone()).await;
    Ok(name)
}

/// Drops what `server_key` is thought to hold, here and in settings: the next keyframe it
/// needs is uploaded again (identical bytes, which ComfyUI answers with the existing name).
pub(super) fn forget_server(engine: &EngineRef, server_key: &str) {
    let (previous, storage) = {
        let mut state = engine.borrow_mut();
        let previous = state
            .uploads
            .by_server
            .insert(server_key.to_owned(), HashMap::new());
        (previous, state.storage)
    };
    // Not read yet: settings may still hold names. Read and empty: nothing to write.
    let saved_names_possible = previous.is_none_or(|names| !names.is_empty());
    let (Some(storage), true) = (storage, saved_names_possible) else {
        return;
    };
    let key = setting_key(server_key);
    spawn_local(async move {
        if let Err(error) = storage.put_setting(&key, &HashMap::<String, String>::new()).await {
            web_sys::console::warn_1(
                &format!("Shotline could not forget a server's keyframe uploads: {error}").into(),
            );
        }
    });
}

/// The keyframe inputs of a submission that `rejected` says have no file on the server
/// (node id and input name, as ComfyUI structures its answer).
pub(super) fn refused_keyframes(
    rejected: &PromptRejected,
    keyframes: &[KeyframeInput],
) -> Vec<KeyframeInput> {
    keyframes
        .iter()
        .filter(|slot| rejected.refused_file_input(&slot.node, &slot.input).is_some())
        .cloned()
        .collect()
}

/// Forgets what `server` was thought to hold and uploads the `refused` keyframes again,
/// writing the names it answers into `prompt`.
pub(super) async fn upload_again(
    engine: &EngineRef,
    server: &ServerUrl,
    prompt: &mut ApiPrompt,
    refused: &[KeyframeInput],
) -> Result<(), KeyframeError> {
    forget_server(engine, server.as_str());
    for slot in refused {
        let name = keyframe_on_server(engine, server, &MediaId::new(slot.media.clone())).await?;
        if let Some(node) = prompt.get_mut(&slot.node) {
            node.inputs.insert(slot.input.clone(), Value::String(name));
        }
    }
    Ok(())
}

/// Reads a server's remembered uploads from settings, once per page.
async fn load_uploaded(engine: &EngineRef, storage: Storage, server: &ServerUrl) {
    if engine.borrow().uploads.by_server.contains_key(server.as_str()) {
        return;
    }
    let saved = storage
        .get_setting::<HashMap<String, String>>(&setting_key(server.as_str()))
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    // A forget or an upload while settings were read knows better than the read.
    engine
        .borrow_mut()
        .uploads
        .by_server
        .entry(server.as_str().to_owned())
        .or_insert(saved);
}

async fn remember_upload(
    engine: &EngineRef,
    storage: Storage,
    server: &ServerUrl,
    sha256: String,
    name: String,
) {
    let names = {
        let mut state = engine.borrow_mut();
        let names = state
            .uploads
            .by_server
            .entry(server.as_str().to_owned())
            .or_default();
        names.insert(sha256, name);
        names.clone()
    };
    // Forgetting costs one more upload of identical bytes, which ComfyUI dedupes.
    if let Err(error) = storage.put_setting(&setting_key(server.as_str()), &names).await {
        web_sys::console::warn_1(&format!("Shotline could not remember a keyframe upload: {error}").into());
    }
}

fn setting_key(server_key: &str) -> String {
    format!("{UPLOADED_SETTING_PREFIX}{server_key}")
}

/// The stable upload name and the decoded bytes of a stored keyframe.
fn upload_file(record: &MediaRecord) -> Result<(String, Vec<u8>), KeyframeError> {
    let format_error = || KeyframeError::Format {
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
    let bytes = BASE64.decode(encoded).map_err(|_| KeyframeError::NotStored)?;
    let hash: String = record.sha256.chars().take(NAME_HASH_CHARS).collect();
    Ok((format!("shotline_{hash}.{extension}"), bytes))
}
