//! What the panel's controls do: the project's server list (one undo step each) and
//! which server Generate uses (the server bar's address).

use leptos::prelude::*;
use shotline_model::project::{Action, ServerConfig, ServerId};
use shotline_model::server_url::ServerUrl;

use crate::project::{ProjectData, use_project_data};
use crate::servers::{Connection, use_servers};

#[derive(Clone, Copy)]
pub(super) struct ServerListActions {
    pub data: ProjectData,
    pub connection: Connection,
    /// The last refusal, as the sentence to show.
    pub problem: RwSignal<Option<String>>,
    /// The server just removed, with the project's `updated_at_ms` right after: its undo
    /// offer stays only while that removal is still the project's last edit.
    removed: RwSignal<Option<(ServerConfig, i64)>>,
}

impl ServerListActions {
    pub fn new() -> Self {
        Self {
            data: use_project_data(),
            connection: use_servers(),
            problem: RwSignal::new(None),
            removed: RwSignal::new(None),
        }
    }

    /// Memos, so that edits elsewhere in the project (every keystroke in a prompt) do not
    /// touch the list.
    pub fn server_ids(self) -> Memo<Vec<ServerId>> {
        let data = self.data;
        Memo::new(move |_| {
            data.with_project(|p| p.servers.iter().map(|s| s.id.clone()).collect())
                .unwrap_or_default()
        })
    }

    pub fn server(self, id: ServerId) -> Memo<Option<ServerConfig>> {
        let data = self.data;
        Memo::new(move |_| {
            data.with_project(|p| p.servers.iter().find(|s| s.id == id).cloned())
                .flatten()
        })
    }

    pub fn is_listed(self, server: &ServerUrl) -> bool {
        self.data
            .with_project(|project| project.servers.iter().any(|s| &s.url == server))
            .unwrap_or(false)
    }

    /// Adds `server` to the project's list; `false` (with the reason in `problem`) when it
    /// is already there or no project is open.
    pub fn add(self, server: ServerUrl) -> bool {
        if untrack(|| self.is_listed(&server)) {
            self.problem.set(Some(format!(
                "{} is already in this project's list.",
                server.display()
            )));
            return false;
        }
        let config = ServerConfig {
            id: ServerId::new(uuid::Uuid::new_v4().to_string()),
            name: server.display().to_owned(),
            url: server,
            enabled: true,
        };
        self.report(self.data.apply(Action::AddServer { server: config }))
    }

    pub fn remove(self, config: ServerConfig) {
        let action = Action::RemoveServer {
            server: config.id.clone(),
        };
        if self.report(self.data.apply(action)) {
            let after = untrack(|| self.data.with_project(|p| p.updated_at_ms)).unwrap_or_default();
            self.removed.set(Some((config, after)));
        }
    }

    /// The removed server while its removal is the project's last edit.
    pub fn undoable_removal(self) -> Signal<Option<ServerConfig>> {
        let (data, removed) = (self.data, self.removed);
        Signal::derive(move || {
            let (config, after) = removed.get()?;
            (data.with_project(|p| p.updated_at_ms) == Some(after)).then_some(config)
        })
    }

    pub fn undo_remove(self) {
        if untrack(|| self.undoable_removal().get()).is_some() {
            self.data.undo();
        }
        self.removed.set(None);
    }

    pub fn set_enabled(self, server: ServerId, enabled: bool) {
        self.report(self.data.apply(Action::SetServerEnabled { server, enabled }));
    }

    /// Makes `server` the one Generate uses (and the server bar shows).
    pub fn make_active(self, server: ServerUrl) {
        self.problem.set(None);
        self.connection.set_server(server);
    }

    fn report(self, result: Result<(), crate::project::ProjectError>) -> bool {
        match result {
            Ok(()) => {
                self.problem.set(None);
                true
            }
            Err(error) => {
                self.problem.set(Some(error.to_string()));
                false
            }
        }
    }
}
