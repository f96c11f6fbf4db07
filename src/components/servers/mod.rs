//! The Servers panel: the project's ComfyUI servers (add, enable, remove with undo), which
//! one Generate uses (the server bar's address) with its socket health, Test connection
//! per server, and a search for local servers. Server strings are text, never HTML.

mod actions;
mod add_form;
mod discover;
mod report;
mod row;
mod socket_line;

use leptos::prelude::*;

use actions::ServerListActions;
use add_form::AddServerForm;
use discover::FindLocalServers;
use row::ServerRow;
use socket_line::SocketHealthLine;

use crate::components::lazy_panel::{LazyPanel, panel_body};
use crate::generation::use_pool;

/// "Servers": the summary names the server Generate uses; the rest is fetched on first
/// open (components/lazy_panel.rs).
#[component]
pub fn ServersPanel() -> impl IntoView {
    let actions = ServerListActions::new();
    let active = actions.connection.server;
    view! {
        <LazyPanel class="servers-panel" load=servers_body>
            <h2>"Servers"</h2>
            <span class="summary-note">{move || active.with(|s| s.display().to_owned())}</span>
        </LazyPanel>
    }
}

panel_body!(servers_body, shotline_servers, ServersBody);

#[component]
fn ServersBody() -> impl IntoView {
    let actions = ServerListActions::new();
    let ids = actions.server_ids();
    let active = actions.connection.server;
    let active_unlisted = Memo::new(move |_| {
        let server = active.get();
        !actions.is_listed(&server)
    });
    let removal = actions.undoable_removal();
    let pool = use_pool().enabled();
    let add_active = move |_| {
        actions.add(active.get_untracked());
    };
    view! {
        <div class="servers-active">
            {move || match pool.get() {
                Some(members) => view! {
                    <p class="pool-line">
                        {format!("Generate shares shots among the {} enabled servers: each goes to the \
                            healthy one with the fewest jobs whose preflight passes.", members.len())}
                    </p>
                }.into_any(),
                None => view! {
                    <p>
                        "Generate sends to " <strong class="server-address">{move || active.with(|s| s.display().to_owned())}</strong>
                        " (the Server URL above)."
                    </p>
                }.into_any(),
            }}
            <SocketHealthLine />
            <Show when=move || active_unlisted.get()>
                <p class="hint">
                    "It is not in this project's list. "
                    <button type="button" class="quiet" on:click=add_active>"Add to list"</button>
                </p>
            </Show>
        </div>
        <ul class="server-list" aria-label="This project's servers">
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <ServerRow actions id />
            </For>
        </ul>
        <Show when=move || ids.with(Vec::is_empty)>
            <p class="hint">"No servers in this project yet: add one below or find local ones."</p>
        </Show>
        {move || removal.get().map(|removed| view! {
            <p class="toast" role="status">
                {format!("Removed {}. ", removed.url.display())}
                <button type="button" class="quiet" on:click=move |_| actions.undo_remove()>"Undo remove"</button>
            </p>
        })}
        <p class="field-error" role="alert">{move || actions.problem.get()}</p>
        <AddServerForm actions />
        <FindLocalServers actions />
    }
}
