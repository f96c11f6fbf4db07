//! "Test connection": one server's stats, capability flags and queue, asked on demand.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::server_report::ServerReport;

use crate::comfy::{ComfyClient, ComfyError};

/// Long enough for a busy GPU box to answer, short enough that a hung port gets a verdict.
const TEST_TIMEOUT_MS: u32 = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub enum CheckState {
    Checking,
    Answered(Box<ServerReport>),
    Failed(ComfyError),
}

/// Copy handle for one server's test: read `state`, start with `run`.
#[derive(Clone, Copy)]
pub struct ServerCheck {
    state: RwSignal<Option<CheckState>>,
    /// Bumped per run, so a slow answer to an earlier press is dropped.
    run_id: StoredValue<u64>,
}

impl ServerCheck {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(None),
            run_id: StoredValue::new(0),
        }
    }

    /// `None` until the first test.
    pub fn state(&self) -> ReadSignal<Option<CheckState>> {
        self.state.read_only()
    }

    pub fn run(&self, server: ServerUrl) {
        let run_id = self.run_id.with_value(|id| id + 1);
        self.run_id.set_value(run_id);
        self.state.set(Some(CheckState::Checking));
        let this = *self;
        spawn_local(async move {
            let result = test_connection(server).await;
            if this.run_id.try_get_value() == Some(run_id) {
                this.state.set(Some(match result {
                    Ok(report) => CheckState::Answered(Box::new(report)),
                    Err(error) => CheckState::Failed(error),
                }));
            }
        });
    }
}

impl Default for ServerCheck {
    fn default() -> Self {
        Self::new()
    }
}

async fn test_connection(server: ServerUrl) -> Result<ServerReport, ComfyError> {
    let client = ComfyClient::new(server).with_timeout_ms(TEST_TIMEOUT_MS);
    let stats = client.system_stats().await?;
    let features = client.features().await?;
    let queue = client.queue().await?;
    Ok(ServerReport::new(&stats, features.as_ref(), &queue))
}
