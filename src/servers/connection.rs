//! The connection to the configured server: checked on start, on every address change, and
//! again with backoff while it fails, so a ComfyUI started later is noticed by itself.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::SystemStats;

use crate::comfy::{ComfyClient, ComfyError};
use crate::storage::settings;

const RETRY_FIRST_DELAY_MS: u32 = 2_000;
const RETRY_MAX_DELAY_MS: u32 = 30_000;
const HEALTH_CHECK_INTERVAL_MS: u32 = 30_000;

/// What the server bar shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionState {
    Connecting,
    Connected(ServerInfo),
    Failed(ComfyError),
}

/// The parts of `/system_stats` a person wants to see.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInfo {
    pub comfyui_version: String,
    pub device_name: String,
    /// `cuda`, `cpu`, ...: a CPU's "VRAM" is the machine's RAM.
    pub device_type: String,
    pub vram_total_bytes: u64,
    pub vram_free_bytes: u64,
    pub is_simulator: bool,
}

impl From<SystemStats> for ServerInfo {
    fn from(stats: SystemStats) -> Self {
        let device = stats.main_device();
        let device_name = device
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "unknown device".into());
        Self {
            comfyui_version: stats.system.comfyui_version.clone(),
            // comfy-sim names itself in its device name (and argv) so nobody mistakes
            // its patterns for model output.
            is_simulator: device_name.contains("comfy-sim")
                || stats.system.argv.iter().any(|arg| arg.contains("comfy-sim")),
            vram_total_bytes: device.map_or(0, |d| d.vram_total),
            vram_free_bytes: device.map_or(0, |d| d.vram_free),
            device_type: device.map(|d| d.device_type.clone()).unwrap_or_default(),
            device_name,
        }
    }
}

/// Copy handle: read the address and state, change the address, check again.
#[derive(Clone, Copy)]
pub struct Connection {
    pub server: RwSignal<ServerUrl>,
    pub state: RwSignal<ConnectionState>,
    /// Bumped on every check, so a slow answer for an old address is dropped.
    generation: StoredValue<u64>,
}

impl Connection {
    /// Switches to `server`, remembers it, and checks it now.
    pub fn set_server(&self, server: ServerUrl) {
        settings::save_server_url(server.as_str());
        self.server.set(server);
        self.check_now();
    }

    pub fn check_now(&self) {
        let generation = self.generation.with_value(|g| g + 1);
        self.generation.set_value(generation);
        self.state.set(ConnectionState::Connecting);
        let this = *self;
        spawn_local(async move { this.watch(generation).await });
    }

    /// Checks until a newer check replaces this one: backoff while failing, a slow
    /// health check while connected.
    async fn watch(self, generation: u64) {
        let mut retry_delay_ms = RETRY_FIRST_DELAY_MS;
        loop {
            let Some(server) = self.server.try_get_untracked() else {
                return;
            };
            let result = ComfyClient::new(server).system_stats().await;
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            let delay_ms = match result {
                Ok(stats) => {
                    self.state.set(ConnectionState::Connected(stats.into()));
                    retry_delay_ms = RETRY_FIRST_DELAY_MS;
                    HEALTH_CHECK_INTERVAL_MS
                }
                Err(error) => {
                    self.state.set(ConnectionState::Failed(error));
                    let delay = retry_delay_ms;
                    retry_delay_ms = (retry_delay_ms * 2).min(RETRY_MAX_DELAY_MS);
                    delay
                }
            };
            TimeoutFuture::new(delay_ms).await;
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
        }
    }
}

/// Installs the connection in context and starts checking the remembered server.
pub fn provide_servers() -> Connection {
    let remembered = settings::load_server_url()
        .and_then(|typed| ServerUrl::parse(&typed).ok())
        .unwrap_or_default();
    let connection = Connection {
        server: RwSignal::new(remembered),
        state: RwSignal::new(ConnectionState::Connecting),
        generation: StoredValue::new(0),
    };
    provide_context(connection);
    connection.check_now();
    connection
}

pub fn use_servers() -> Connection {
    expect_context::<Connection>()
}
