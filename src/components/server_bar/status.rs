//! The connection line: Connecting / Connected, or the diagnosis of a failure.
//! Server strings are rendered as text nodes only, never as HTML.

use leptos::prelude::*;
use shotline_protocol::server_report::{is_low_vram, vram_summary};

use super::diagnosis::Diagnosis;
use crate::servers::{ConnectionState, ServerInfo, use_servers};

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
                ConnectionState::Failed(error) => {
                    let same_origin = connection.server.with_untracked(|server| server.is_same_origin());
                    view! { <Diagnosis error same_origin keeps_trying=true /> }.into_any()
                }
            }}
        </div>
    }
}

fn connected(info: ServerInfo) -> impl IntoView {
    let vram = vram_summary(info.vram_total_bytes, info.vram_free_bytes);
    let low_vram = is_low_vram(&info.device_type, info.vram_total_bytes, info.vram_free_bytes);
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
