//! "Find local servers": this page's own `/api` (a `trunk serve` proxy), then the ports
//! ComfyUI installs use, all asked at once with a short timeout.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shotline_model::server_url::ServerUrl;

use super::ServerInfo;
use crate::comfy::http::page_origin;
use crate::comfy::{ComfyClient, ComfyError};

/// ComfyUI (8188), the desktop app (8000), and ports people move it to (PROTOCOL.md).
const LOCAL_PORTS: [u16; 5] = [8188, 8000, 8189, 7821, 7860];
/// A local port answers in milliseconds or refuses at once; this only bounds a hung one.
const DISCOVERY_TIMEOUT_MS: u32 = 1_500;

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub server: ServerUrl,
    /// `None` while it is being asked.
    pub answer: Option<Result<ServerInfo, ComfyError>>,
}

/// Copy handle: the candidates of the last search, updated as each one answers.
#[derive(Clone, Copy)]
pub struct Discovery {
    candidates: RwSignal<Vec<Candidate>>,
    run_id: StoredValue<u64>,
}

impl Discovery {
    pub fn new() -> Self {
        Self {
            candidates: RwSignal::new(Vec::new()),
            run_id: StoredValue::new(0),
        }
    }

    pub fn candidates(&self) -> ReadSignal<Vec<Candidate>> {
        self.candidates.read_only()
    }

    pub fn is_searching(&self) -> Signal<bool> {
        let candidates = self.candidates;
        Signal::derive(move || candidates.with(|list| list.iter().any(|c| c.answer.is_none())))
    }

    pub fn start(&self) {
        let run_id = self.run_id.with_value(|id| id + 1);
        self.run_id.set_value(run_id);
        let servers = local_candidates(&page_origin());
        self.candidates.set(
            servers
                .iter()
                .map(|server| Candidate {
                    server: server.clone(),
                    answer: None,
                })
                .collect(),
        );
        for (index, server) in servers.into_iter().enumerate() {
            let this = *self;
            spawn_local(async move {
                let client = ComfyClient::new(server).with_timeout_ms(DISCOVERY_TIMEOUT_MS);
                let answer = client.system_stats().await.map(ServerInfo::from);
                if this.run_id.try_get_value() == Some(run_id) {
                    this.candidates.update(|list| {
                        if let Some(candidate) = list.get_mut(index) {
                            candidate.answer = Some(answer);
                        }
                    });
                }
            });
        }
    }
}

impl Default for Discovery {
    fn default() -> Self {
        Self::new()
    }
}

/// The page's own origin first; a port that is the page's origin is not asked twice.
fn local_candidates(page_origin: &str) -> Vec<ServerUrl> {
    let ports = LOCAL_PORTS.iter().filter_map(|port| {
        let address = format!("http://127.0.0.1:{port}");
        (address != page_origin)
            .then(|| ServerUrl::parse(&address).ok())
            .flatten()
    });
    std::iter::once(ServerUrl::same_origin()).chain(ports).collect()
}
