//! A Test connection result: the server's version, device, VRAM, queue and capability
//! flags, or the diagnosis of why it did not answer. Server strings are text only.

use leptos::prelude::*;
use shotline_protocol::server_report::{
    Capability, DeviceReport, LOW_VRAM_FREE_BYTES, ServerReport, format_bytes,
};

use crate::components::server_bar::Diagnosis;
use crate::servers::CheckState;

#[component]
pub(super) fn CheckResult(state: CheckState, same_origin: bool) -> impl IntoView {
    match state {
        CheckState::Checking => view! {
            <p class="state state-connecting"><span class="state-word">"Testing"</span>"…"</p>
        }
        .into_any(),
        CheckState::Answered(report) => view! { <Report report=*report /> }.into_any(),
        CheckState::Failed(error) => view! { <Diagnosis error same_origin /> }.into_any(),
    }
}

#[component]
fn Report(report: ServerReport) -> impl IntoView {
    let queue = queue_line(&report);
    let low_vram = report.device.as_ref().is_some_and(DeviceReport::is_low_vram);
    view! {
        <div class="server-report">
            <p class="state state-connected">
                <span class="state-word">"Connected"</span>
                ": ComfyUI " {report.comfyui_version}
                {report.is_simulator.then(|| view! {
                    <span class="badge badge-sim" title="comfy-sim makes test patterns, not model output">
                        "Simulator"
                    </span>
                })}
            </p>
            <dl class="report-facts">
                {report.device.map(device_facts)}
                <dt>"Queue"</dt>
                <dd class="report-queue">{queue}</dd>
            </dl>
            <div class="report-capabilities">
                <span class="report-label">"Capabilities"</span>
                {capability_list(report.capabilities)}
            </div>
            {low_vram.then(|| view! {
                <p class="report-warning">
                    <span class="badge badge-warn">"Low VRAM"</span>
                    {format!(
                        " Less than {} free: video workflows may fail with out-of-memory errors. \
                         Close other GPU programs or use a smaller model.",
                        format_bytes(LOW_VRAM_FREE_BYTES)
                    )}
                </p>
            })}
        </div>
    }
}

fn device_facts(device: DeviceReport) -> impl IntoView {
    let kind = (!device.device_type.is_empty()).then(|| format!(" · {}", device.device_type));
    let memory_note = device.is_cpu().then_some(" (system RAM)");
    let vram = device.vram_summary().unwrap_or_else(|| "not reported".into());
    view! {
        <dt>"Device"</dt>
        <dd class="report-device">{device.name} {kind}</dd>
        <dt>"VRAM"</dt>
        <dd class="report-vram">{vram} {memory_note}</dd>
    }
}

/// "3 (1 running, 2 pending)": every client's prompts, not only Shotline's.
fn queue_line(report: &ServerReport) -> String {
    match report.queue_length() {
        0 => "empty".into(),
        length => format!(
            "{length} (running {}, pending {})",
            report.queue_running, report.queue_pending
        ),
    }
}

fn capability_list(capabilities: Option<Vec<Capability>>) -> AnyView {
    match capabilities {
        None => "none: this ComfyUI predates /features (update it for preview metadata)".into_any(),
        Some(list) => view! {
            <ul class="capabilities">
                {list.into_iter().map(|capability| view! {
                    <li><code>{capability.name}</code> " " {capability.value}</li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}
