//! `POST /upload/image` with ComfyUI's name deduplication (trace l_upload).

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/upload/image", post(upload))
}

/// The first `image` field, as `post.get("image")` finds it.
enum ImageField {
    File(String, Vec<u8>),
    /// A field without a file name: aiohttp gives `image_upload` a `str`.
    Text(String),
}

#[derive(Default)]
struct UploadForm {
    image: Option<ImageField>,
    kind: Option<String>,
    subfolder: String,
    overwrite: bool,
}

/// `request.post()`: multipart and urlencoded bodies (and a present but empty
/// Content-Type) are read, up to the body limit; any other type is not read at all.
async fn read_post(request: Request) -> Result<UploadForm, Response> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let mime = content_type.as_deref().map(|value| {
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    match mime.as_deref() {
        Some("multipart/form-data") => match Multipart::from_request(request, &()).await {
            Ok(multipart) => read_form(multipart).await,
            Err(_) => Ok(UploadForm::default()),
        },
        Some("" | "application/x-www-form-urlencoded") => {
            let body = Bytes::from_request(request, &())
                .await
                .map_err(IntoResponse::into_response)?;
            Ok(read_urlencoded(&body))
        }
        _ => Ok(UploadForm::default()),
    }
}

/// Only whether `image` has a value matters here: a string makes `image.file` raise.
fn read_urlencoded(body: &[u8]) -> UploadForm {
    let text = String::from_utf8_lossy(body);
    let image = text
        .trim_end()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| percent_decoded(name) == "image")
        .map(|(_, value)| ImageField::Text(percent_decoded(value)));
    UploadForm {
        image,
        ..UploadForm::default()
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (b'+', _) => {
                decoded.push(b' ');
                index += 1;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

async fn read_form(mut multipart: Multipart) -> Result<UploadForm, Response> {
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            // Bodies over --max-upload-size end here with 413, like aiohttp's client_max_size.
            Err(error) => return Err(error.status().into_response()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|error| error.status().into_response())?;
        match (name.as_str(), file_name) {
            ("image", _) if form.image.is_some() => {}
            ("image", Some(file_name)) if !file_name.is_empty() => {
                form.image = Some(ImageField::File(file_name, bytes.to_vec()));
            }
            ("image", _) => form.image = Some(ImageField::Text(String::from_utf8_lossy(&bytes).into_owned())),
            ("type", _) => form.kind = Some(String::from_utf8_lossy(&bytes).into_owned()),
            ("subfolder", _) => form.subfolder = String::from_utf8_lossy(&bytes).into_owned(),
            ("overwrite", _) => form.overwrite = matches!(bytes.as_ref(), b"true" | b"1"),
            _ => {}
        }
    }
}

/// Missing file or a name/subfolder leaving the folder → 400 with an empty body, no
/// Content-Type (trace l). A non-empty `image` that is no file (a urlencoded body, a
/// multipart field without a file name) makes `image.file` raise: aiohttp's 500.
async fn upload(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let form = match read_post(request).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let (file_name, bytes) = match form.image {
        Some(ImageField::File(file_name, bytes)) => (file_name, bytes),
        Some(ImageField::Text(text)) if !text.is_empty() => return crate::aiohttp::internal_server_error(),
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let kind = form
        .kind
        .filter(|kind| !kind.is_empty())
        .unwrap_or_else(|| "input".to_owned());
    let Some(base) = sim.dirs.for_kind(&kind) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(mut path) = crate::paths::resolve_in(base, &form.subfolder, &file_name) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(folder) = path.parent().map(Path::to_path_buf) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if sim.faults().take_lost_upload() {
        return Json(json!({"name": file_name, "subfolder": form.subfolder, "type": kind})).into_response();
    }
    let mut stored_name = file_name.clone();
    if !form.overwrite {
        let (stem, extension) = split_extension(&file_name);
        let mut copy = 1;
        while let Ok(existing) = std::fs::read(&path) {
            if existing == bytes {
                // Identical bytes: answer with the existing name, write nothing.
                return Json(json!({"name": stored_name, "subfolder": form.subfolder, "type": kind}))
                    .into_response();
            }
            stored_name = format!("{stem} ({copy}){extension}");
            path = folder.join(&stored_name);
            copy += 1;
        }
    }
    let written = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, &bytes));
    if written.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Json(json!({"name": stored_name, "subfolder": form.subfolder, "type": kind})).into_response()
}

fn split_extension(file_name: &str) -> (&str, &str) {
    match file_name.rfind('.') {
        Some(dot) if dot > 0 => (&file_name[..dot], &file_name[dot..]),
        _ => (file_name, ""),
    }
}
