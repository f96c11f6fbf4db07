//! Export the open project as one `.shotline.json` file, and import one.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::project::use_project_data;

#[component]
pub fn ProjectFiles() -> impl IntoView {
    let data = use_project_data();
    let message = RwSignal::new(None::<String>);
    let export = move |include_media: bool| {
        spawn_local(async move {
            match data.export_open_project(include_media).await {
                Ok(text) => {
                    let name = data
                        .with_project_untracked()
                        .map(|p| p.name)
                        .unwrap_or_else(|| "storyboard".into());
                    match download(&format!("{}.shotline.json", file_stem(&name)), &text) {
                        Ok(()) => message.set(None),
                        Err(problem) => message.set(Some(problem)),
                    }
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let import = move |event: leptos::ev::Event| {
        let Some(file) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        spawn_local(async move {
            let text = match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|value| value.as_string())
            {
                Some(text) => text,
                None => return message.set(Some("The file could not be read.".into())),
            };
            match data.import_project_file(&text).await {
                Ok(_) => message.set(Some("Imported.".into())),
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <div class="project-files">
            <button type="button" class="quiet" on:click=move |_| export(true)>"Export with media"</button>
            <button type="button" class="quiet" on:click=move |_| export(false)>"Export without media"</button>
            <label class="field">
                <span>"Import a .shotline.json file"</span>
                <input type="file" accept=".json,application/json" on:change=import />
            </label>
            <p role="status">{move || message.get()}</p>
        </div>
    }
}

/// Letters, digits, spaces, dashes and underscores: a name every OS accepts.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.trim().is_empty() {
        "storyboard".into()
    } else {
        stem.trim().to_owned()
    }
}

fn download(file_name: &str, text: &str) -> Result<(), String> {
    let problem = |_| "The browser refused to save the file.".to_owned();
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(problem)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(problem)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("There is no document.")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(problem)?
        .dyn_into()
        .map_err(|_| "No link element.".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
