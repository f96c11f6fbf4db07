//! "Open manifest": the run manifest of a take (the exact API prompt sent, server,
//! profile, seed, timings, outputs) to read or copy, so it can be rerun in ComfyUI itself.

use leptos::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::workflows::use_workflows;

#[component]
pub fn ManifestToggle(prompt_id: String) -> impl IntoView {
    let workflows = use_workflows();
    let open = RwSignal::new(false);
    let text = RwSignal::new(None::<Result<String, String>>);
    let copied = RwSignal::new(None::<String>);
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        copied.set(None);
        if opening {
            // Read each time it opens: the manifest grows as the run ends.
            let prompt_id = prompt_id.clone();
            spawn_local(async move {
                let manifest = workflows
                    .manifest(&prompt_id)
                    .await
                    .map_err(|error| error.to_string());
                text.set(Some(manifest));
            });
        }
    };
    let copy = move |_| {
        let Some(Ok(manifest)) = text.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let clipboard = window().navigator().clipboard();
            let outcome = JsFuture::from(clipboard.write_text(&manifest)).await;
            copied.set(Some(match outcome {
                Ok(_) => "Copied.".to_owned(),
                Err(_) => "The browser refused to copy: select the text and copy it by hand.".to_owned(),
            }));
        });
    };
    view! {
        <button type="button" class="quiet" aria-expanded=move || open.get().to_string() on:click=toggle>
            {move || if open.get() { "Close manifest" } else { "Open manifest" }}
        </button>
        <Show when=move || open.get()>
            <div class="manifest">
                {move || match text.get() {
                    None => view! { <p>"Reading the manifest…"</p> }.into_any(),
                    Some(Err(problem)) => view! { <p class="field-error" role="alert">{problem}</p> }.into_any(),
                    Some(Ok(manifest)) => view! {
                        <pre class="details" aria-label="Run manifest">{manifest}</pre>
                        <button type="button" on:click=copy>"Copy manifest"</button>
                        <span role="status">{move || copied.get()}</span>
                    }
                    .into_any(),
                }}
            </div>
        </Show>
    }
}
