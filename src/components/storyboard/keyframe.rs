//! A shot's keyframe: pick an image file, see it, clear it. The image goes to the media
//! store; the shot keeps only its id.

use base64::Engine as _;
use leptos::html::Div;
use leptos::prelude::*;
use shotline_model::project::{Action, MediaId, ShotId};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::project::use_project_data;
use crate::storage::Storage;

/// ComfyUI's default upload limit (`--max-upload-size` 100 MB).
const KEYFRAME_MAX_BYTES: f64 = 100.0 * 1024.0 * 1024.0;

#[component]
pub fn KeyframeField(shot_id: ShotId) -> impl IntoView {
    let data = use_project_data();
    let storage = use_context::<Storage>();
    let shot = data.shot(shot_id.clone());
    let keyframe = Memo::new(move |_| shot.with(|s| s.as_ref().and_then(|s| s.keyframe.clone())));
    let image_url = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    // A keyframe can be megabytes: it is read from the database only once its card comes
    // near the screen, so opening a long storyboard does not read every image first.
    let container = NodeRef::<Div>::new();
    let near_screen = RwSignal::new(false);
    let watcher = StoredValue::new_local(None::<NearScreenWatch>);
    container.on_load(move |element| {
        watcher.set_value(Some(NearScreenWatch::start(&element, near_screen)));
    });
    Effect::new(move |_| {
        let Some(id) = keyframe.get() else {
            return image_url.set(None);
        };
        if !near_screen.get() {
            return;
        }
        let Some(storage) = storage else { return };
        spawn_local(async move {
            if let Ok(Some(media)) = storage.get_media(&id).await {
                image_url.set(Some(media.data_url));
            }
        });
    });
    let input_id = format!("keyframe-{}", shot_id.as_str());
    let pick = {
        let shot_id = shot_id.clone();
        move |event: leptos::ev::Event| {
            let Some(file) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0))
            else {
                return;
            };
            let shot_id = shot_id.clone();
            problem.set(None);
            spawn_local(async move {
                match store_keyframe(storage, data.project_id().map(|id| id.as_str().to_owned()), file).await
                {
                    Ok(media) => {
                        let _ = data.apply(Action::SetKeyframe {
                            shot: shot_id,
                            keyframe: Some(media),
                        });
                    }
                    Err(sentence) => problem.set(Some(sentence)),
                }
            });
        }
    };
    let clear = {
        let shot_id = shot_id.clone();
        move |_| {
            let _ = data.apply(Action::SetKeyframe {
                shot: shot_id.clone(),
                keyframe: None,
            });
        }
    };
    view! {
        <div class="keyframe" node_ref=container>
            <label class="field" for=input_id.clone()>"Keyframe image"</label>
            {move || image_url.get().map(|url| view! { <img class="keyframe-image" src=url alt="Keyframe of this shot" /> })}
            <input id=input_id type="file" accept="image/png,image/jpeg,image/webp" on:change=pick />
            <Show when=move || keyframe.with(Option::is_some)>
                <button type="button" class="quiet" on:click=clear.clone()>"Remove keyframe"</button>
            </Show>
            <p class="field-error" role="alert">{move || problem.get()}</p>
        </div>
    }
}

/// How far outside the window a card may be and still have its keyframe read: about a
/// screen ahead when scrolling.
const NEAR_SCREEN_MARGIN: &str = "800px 0px";

/// Sets `near` once an element comes within [`NEAR_SCREEN_MARGIN`] of the window, then
/// stops watching; dropped with its card, it stops watching too. Without
/// IntersectionObserver (very old browsers) the element counts as near at once.
struct NearScreenWatch {
    observer: Option<web_sys::IntersectionObserver>,
    _callback: Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>,
}

impl NearScreenWatch {
    fn start(element: &web_sys::HtmlDivElement, near: RwSignal<bool>) -> Self {
        let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
            move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                let visible = entries.iter().any(|entry| {
                    entry
                        .dyn_into::<web_sys::IntersectionObserverEntry>()
                        .is_ok_and(|entry| entry.is_intersecting())
                });
                if visible {
                    observer.disconnect();
                    near.set(true);
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(NEAR_SCREEN_MARGIN);
        let observer =
            web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok();
        match &observer {
            Some(observer) => observer.observe(element),
            None => near.set(true),
        }
        Self {
            observer,
            _callback: callback,
        }
    }
}

impl Drop for NearScreenWatch {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
    }
}

/// Checks the file is a PNG, JPEG or WebP of at most 100 MB by its bytes (a renamed file
/// or a corrupt one is refused with a sentence), then stores it.
async fn store_keyframe(
    storage: Option<Storage>,
    project_id: Option<String>,
    file: web_sys::File,
) -> Result<MediaId, String> {
    let storage = storage.ok_or("This browser is not keeping media, so keyframes cannot be stored.")?;
    let project_id = project_id.ok_or("No project is open.")?;
    if file.size() > KEYFRAME_MAX_BYTES {
        return Err(format!(
            "{} is larger than 100 MB, ComfyUI's upload limit.",
            file.name()
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "The file could not be read.".to_owned())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let mime = image_mime(&bytes).ok_or_else(|| {
        format!(
            "{} is not a PNG, JPEG or WebP image (or it is damaged).",
            file.name()
        )
    })?;
    let data_url = format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    );
    storage
        .put_media(&project_id, mime, &data_url, bytes.len() as u64)
        .await
        .map_err(|error| format!("The keyframe was not saved: {error}"))
}

/// The image type from the file's first bytes, never from its name.
fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JPEG_SIGNATURE: &[u8] = &[0xff, 0xd8, 0xff];
    if bytes.starts_with(PNG_SIGNATURE) && bytes.len() > 24 {
        Some("image/png")
    } else if bytes.starts_with(JPEG_SIGNATURE) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}
