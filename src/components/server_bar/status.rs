//! The connection line: Connecting / Connected / Unreachable / Refused by origin check.
//! Server strings are rendered as text nodes only, never as HTML.

use leptos::prelude::*;

use crate::comfy::ComfyError;
use crate::servers::{ConnectionState, ServerInfo, use_servers};

const BYTES_PER_GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Below this much free VRAM most video workflows fail with out-of-memory errors.
const LOW_VRAM_GIB: f64 = 4.0;

#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let connection = use_servers();
    view! {
        <div class="connection" role="status" aria-live="polite">
            {move || match connection.state.get() {
                ConnectionState::Connecting => view! {
                    <p class="state state-connecting">
                        <span class="state-word">"Connecting"</span>
                        " to " {connection.server.get().display().to_owned()} "…"
                    </p>
                }.into_any(),
                ConnectionState::Connected(info) => connected(info).into_any(),
                ConnectionState::Failed(error) => failed(error).into_any(),
            }}
        </div>
    }
}

fn connected(info: ServerInfo) -> impl IntoView {
    let vram = (info.vram_total_bytes > 0).then(|| {
        let free = info.vram_free_bytes as f64 / BYTES_PER_GIB;
        let total = info.vram_total_bytes as f64 / BYTES_PER_GIB;
        format!("{free:.1} GiB free of {total:.1} GiB")
    });
    let low_vram = info.vram_total_bytes > 0 && (info.vram_free_bytes as f64 / BYTES_PER_GIB) < LOW_VRAM_GIB;
    view! {
        <p class="state state-connected">
            <span class="state-word">"Connected"</span>
            ": ComfyUI " {info.comfyui_version}
            <span class="sep">" · "</span>
            <span class="device">{info.device_name}</span>
            {vram.map(|vram| view! { <span class="sep">" · "</span><span class="vram">"VRAM " {vram}</span> })}
            {info.is_simulator.then(|| view! {
                <span class="badge badge-sim" title="comfy-sim makes test patterns, not model output">
                    "Simulator"
                </span>
            })}
            {low_vram.then(|| view! { <span class="badge badge-warn">"Low VRAM"</span> })}
        </p>
    }
}

fn failed(error: ComfyError) -> impl IntoView {
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
                ". Start ComfyUI (or check the address); Shotline keeps trying."
            </p>
        }
        .into_any(),
        // A static host answers its own 404 page or index.html for /api: there is no proxy.
        ComfyError::Decode { .. } | ComfyError::Http { status: 404, .. } if connection_is_same_origin() => view! {
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

fn connection_is_same_origin() -> bool {
    use_servers()
        .server
        .with_untracked(|server| server.is_same_origin())
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
