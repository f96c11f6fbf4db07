//! What a failed connection means and what to do about it, in one sentence per cause:
//! Unreachable, Refused by origin check (with the exact command to copy), No ComfyUI
//! here, or the error itself. Shared by the server bar and the Servers panel; server
//! strings are rendered as text nodes only, never as HTML.

use leptos::prelude::*;

use crate::comfy::ComfyError;

/// `same_origin`: the failing address is this page's own `/api` (a static host answers
/// its own 404 page or index.html there). `keeps_trying`: the caller retries by itself.
#[component]
pub fn Diagnosis(
    error: ComfyError,
    same_origin: bool,
    #[prop(optional)] keeps_trying: bool,
) -> impl IntoView {
    match error {
        ComfyError::OriginRejected {
            command, page_origin, ..
        } => view! {
            <div class="state state-refused">
                <p>
                    <span class="state-word">"Refused by origin check"</span>
                    ": ComfyUI is running but rejects pages from " {page_origin}
                    ". Restart ComfyUI with this flag (or open Shotline through "
                    <code>"trunk serve"</code> "'s proxy):"
                </p>
                <CopyableCommand command />
            </div>
        }
        .into_any(),
        ComfyError::Unreachable { url } => view! {
            <p class="state state-unreachable">
                <span class="state-word">"Unreachable"</span>
                ": nothing answers at " {url}
                {if keeps_trying {
                    ". Start ComfyUI (or check the address); Shotline keeps trying."
                } else {
                    ". Start ComfyUI (or check the address), then test again."
                }}
            </p>
        }
        .into_any(),
        ComfyError::Decode { .. } | ComfyError::Http { status: 404, .. } if same_origin => view! {
            <p class="state state-unreachable">
                <span class="state-word">"No ComfyUI here"</span>
                ": this page's server has no ComfyUI behind /api. Enter your ComfyUI's address as Server URL, e.g. "
                <code>"http://127.0.0.1:8188"</code> "."
            </p>
        }
        .into_any(),
        other => view! {
            <p class="state state-error">
                <span class="state-word">"Error"</span> ": " {other.to_string()}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn CopyableCommand(command: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = command.clone();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <div class="command">
            <code class="command-line">{command}</code>
            <button type="button" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy command" }}
            </button>
        </div>
    }
}
