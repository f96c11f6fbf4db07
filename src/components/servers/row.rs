//! One configured server: its address, whether Generate uses it, enabled, remove, and
//! its Test connection result.

use leptos::prelude::*;
use shotline_model::project::ServerId;

use super::actions::ServerListActions;
use super::report::CheckResult;
use super::socket_line::clock_time;
use crate::generation::use_generation;
use crate::servers::ServerCheck;

#[component]
pub(super) fn ServerRow(actions: ServerListActions, id: ServerId) -> impl IntoView {
    let config = actions.server(id);
    let check = ServerCheck::new();
    let active = Memo::new(move |_| {
        let active = actions.connection.server.get();
        config.with(|c| c.as_ref().is_some_and(|c| c.url == active))
    });
    let enabled = Memo::new(move |_| config.with(|c| c.as_ref().is_some_and(|c| c.enabled)));
    // Known once the page keeps a socket to it (active, pool member, or a job's server):
    // links are made when jobs are, so the job list is the cue to look again.
    let generation = use_generation();
    let unreachable = Memo::new(move |_| {
        generation.job_ids().track();
        let url = config.with(|c| c.as_ref().map(|c| c.url.clone()))?;
        let status = generation.server_status(&url)?;
        status.with(|status| status.unreachable_since)
    });
    let address = move || {
        config
            .with(|c| c.as_ref().map(|c| c.url.display().to_owned()))
            .unwrap_or_default()
    };

    let test = move |_| {
        let Some(server) = config.get_untracked().map(|c| c.url) else {
            return;
        };
        // The bar shows the active server: refresh it with the same answer's freshness.
        if active.get_untracked() {
            actions.connection.check_now();
        }
        check.run(server);
    };
    let toggle = move |event: leptos::ev::Event| {
        if let Some(config) = config.get_untracked() {
            actions.set_enabled(config.id, event_target_checked(&event));
        }
    };
    let use_it = move |_| {
        if let Some(config) = config.get_untracked() {
            actions.make_active(config.url);
        }
    };
    let remove = move |_| {
        if let Some(config) = config.get_untracked() {
            actions.remove(config);
        }
    };

    view! {
        <li
            class="server-row"
            class:active=move || active.get()
            class:disabled=move || !enabled.get()
            role="group"
            aria-label=move || format!("Server {}", address())
        >
            <div class="server-row-head">
                <div class="server-title">
                    <span class="server-address">{address}</span>
                    <Show when=move || active.get()>
                        <span class="badge badge-active">"Active"</span>
                    </Show>
                    <Show when=move || !enabled.get()>
                        <span class="badge badge-off">"Disabled"</span>
                    </Show>
                    {move || unreachable.get().map(|since| view! {
                        <span class="badge badge-warn">{format!("Unreachable since {}", clock_time(since))}</span>
                    })}
                </div>
                <button type="button" class="quiet danger" on:click=remove>"Remove"</button>
            </div>
            <div class="server-row-actions">
                <label class="server-enabled">
                    <input type="checkbox" prop:checked=move || enabled.get() on:change=toggle />
                    "Enabled"
                </label>
                <Show when=move || !active.get() && enabled.get()>
                    <button type="button" class="quiet" on:click=use_it
                        title="Make Generate send to this server">"Use"</button>
                </Show>
                <button type="button" on:click=test>"Test connection"</button>
            </div>
            <Show when=move || active.get() && !enabled.get()>
                <p class="server-note">
                    "Generate still sends to this server while it is active: use another one or enable it."
                </p>
            </Show>
            <div class="server-check" role="status" aria-live="polite">
                {move || {
                    let same_origin = config.with(|c| c.as_ref().is_some_and(|c| c.url.is_same_origin()));
                    check.state().get().map(|state| view! { <CheckResult state same_origin /> })
                }}
            </div>
        </li>
    }
}
