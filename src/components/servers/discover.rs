//! "Find local servers": which of this page's proxy and the usual local ports answer as
//! ComfyUI (with Add), which refuse this page (with the diagnosis), and which are silent.

use leptos::prelude::*;

use super::actions::ServerListActions;
use crate::comfy::ComfyError;
use crate::components::server_bar::Diagnosis;
use crate::servers::{Candidate, Discovery, ServerInfo};

#[component]
pub(super) fn FindLocalServers(actions: ServerListActions) -> impl IntoView {
    let discovery = Discovery::new();
    let searching = discovery.is_searching();
    let started = Memo::new(move |_| discovery.candidates().with(|list| !list.is_empty()));
    let silent = Memo::new(move |_| {
        discovery.candidates().with(|list| {
            list.iter()
                .filter(|c| c.answer.as_ref().is_some_and(|a| is_silent(c, a)))
                .map(|c| c.server.display().to_owned())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="server-discovery">
            <button type="button" class="quiet" on:click=move |_| discovery.start() disabled=move || searching.get()>
                "Find local servers"
            </button>
            <div class="discovery-results" role="status" aria-live="polite">
                <Show when=move || searching.get()>
                    <p class="hint">"Asking this page's server and ports 8188, 8000, 8189, 7821, 7860…"</p>
                </Show>
                <ul class="discovery-list">
                    {move || discovery.candidates().get().into_iter()
                        .filter(|c| c.answer.as_ref().is_some_and(|a| !is_silent(c, a)))
                        .map(|candidate| view! { <CandidateRow actions candidate /> })
                        .collect_view()}
                </ul>
                <Show when=move || started.get() && !searching.get()>
                    <p class="hint">{move || silent_line(&silent.get())}</p>
                </Show>
            </div>
        </div>
    }
}

/// Nothing listening, or this page's own server without ComfyUI behind /api.
fn is_silent(candidate: &Candidate, answer: &Result<ServerInfo, ComfyError>) -> bool {
    match answer {
        Err(ComfyError::Unreachable { .. }) => true,
        Err(ComfyError::Decode { .. } | ComfyError::Http { status: 404, .. }) => {
            candidate.server.is_same_origin()
        }
        _ => false,
    }
}

fn silent_line(silent: &[String]) -> String {
    if silent.is_empty() {
        "Every address answered.".into()
    } else {
        format!("No ComfyUI at: {}.", silent.join(", "))
    }
}

#[component]
fn CandidateRow(actions: ServerListActions, candidate: Candidate) -> impl IntoView {
    let Candidate { server, answer } = candidate;
    let address = server.display().to_owned();
    let same_origin = server.is_same_origin();
    let body = match answer {
        Some(Ok(info)) => {
            let listed = Memo::new({
                let server = server.clone();
                move |_| actions.is_listed(&server)
            });
            let add = move |_| {
                actions.add(server.clone());
            };
            view! {
                <p class="state state-connected">
                    <span class="state-word">"ComfyUI " {info.comfyui_version}</span>
                    " · " {info.device_name}
                    {info.is_simulator.then(|| view! { <span class="badge badge-sim">"Simulator"</span> })}
                </p>
                {move || if listed.get() {
                    view! { <span class="hint">"In the list"</span> }.into_any()
                } else {
                    view! { <button type="button" on:click=add.clone()>"Add"</button> }.into_any()
                }}
            }
            .into_any()
        }
        Some(Err(error)) => view! { <Diagnosis error same_origin /> }.into_any(),
        None => ().into_any(),
    };
    let label = format!("Found {address}");
    view! {
        <li class="discovery-row" role="group" aria-label=label>
            <span class="server-address">{address}</span>
            {body}
        </li>
    }
}
