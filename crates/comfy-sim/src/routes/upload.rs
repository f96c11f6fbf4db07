//! `POST /upload/image` with ComfyUI's name deduplication (trace l_upload).

use std::path::Path;
use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use crate::state::Sim;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/upload/image", post(upload))
}

#[derive(Default)]
struct UploadForm {
    file: Option<(String, Vec<u8>)>,
    kind: Option<String>,
    subfolder: String,
    overwrite: bool,
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
            ("image", Some(file_name)) => form.file = Some((file_name, bytes.to_vec())),
            ("type", _) => form.kind = Some(String::from_utf8_lossy(&bytes).into_owned()),
            ("subfolder", _) => form.subfolder = String::from_utf8_lossy(&bytes).into_owned(),
            ("overwrite", _) => form.overwrite = matches!(bytes.as_ref(), b"true" | b"1"),
            _ => {}
        }
    }
}

/// Missing file or a name/subfolder leaving the folder → 400 with an empty body, no
/// Content-Type (trace l). aiohttp's `request.post()` also reads urlencoded or empty bodies,
/// which have no file either, so those get the same 400, not axum's multipart rejection.
async fn upload(State(sim): State<Arc<Sim>>, multipart: Result<Multipart, MultipartRejection>) -> Response {
    let form = match multipart {
        Ok(multipart) => match read_form(multipart).await {
            Ok(form) => form,
            Err(response) => return response,
        },
        Err(_) => UploadForm::default(),
    };
    let Some((file_name, bytes)) = form.file else {
        return StatusCode::BAD_REQUEST.into_response();
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
