//! Everything the routes, sockets and worker share.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::config::Config;
use crate::dirs::DataDirs;
use crate::faults::ActiveFaults;
use crate::history::History;
use crate::prompt_log::PromptLog;
use crate::queue::PromptQueue;
use crate::ws::Hub;

/// How often a stalled socket checks whether its stall was lifted early.
const STALL_RECHECK_MS: u64 = 50;

/// Which node of which client's prompt is running, for sockets that reconnect mid-run.
#[derive(Debug, Clone)]
pub struct RunningNode {
    pub client_id: Option<String>,
    pub node_id: String,
}

pub struct Sim {
    pub config: Config,
    pub dirs: DataDirs,
    pub hub: Hub,
    queue: Mutex<PromptQueue>,
    history: Mutex<History>,
    faults: Mutex<ActiveFaults>,
    /// HTTP requests per path (without `/api`), counted only with `--faults`.
    request_counts: Mutex<BTreeMap<String, u64>>,
    /// Every prompt accepted, kept only with `--faults` (`GET /sim/prompts`).
    prompt_log: Mutex<PromptLog>,
    running_node: Mutex<Option<RunningNode>>,
    /// Wakes the worker when a prompt is queued.
    pub queue_changed: Notify,
    /// Set by /interrupt; the running node stops at its next progress check.
    pub interrupt_requested: AtomicBool,
    /// Bumped by the `restart` fault so the worker forgets its cache.
    pub restart_count: AtomicU64,
    /// The global counter behind `number`, consumed even by rejected prompts (trace c).
    pub prompt_counter: AtomicU64,
    pub nodes: crate::nodes::NodeRegistry,
    /// When the simulator started, the time of its start-up log (`/internal/logs/raw`).
    pub started_at: std::time::SystemTime,
}

/// A panic while holding one of these locks leaves plain data behind that is still usable,
/// so a poisoned lock is taken over rather than turned into a second panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Sim {
    pub fn new(config: Config, dirs: DataDirs, nodes: crate::nodes::NodeRegistry) -> Self {
        Self {
            interrupt_requested: AtomicBool::new(false),
            restart_count: AtomicU64::new(0),
            prompt_counter: AtomicU64::new(0),
            nodes,
            started_at: std::time::SystemTime::now(),
            config,
            dirs,
            hub: Hub::default(),
            queue: Mutex::new(PromptQueue::default()),
            history: Mutex::new(History::default()),
            faults: Mutex::new(ActiveFaults::default()),
            request_counts: Mutex::new(BTreeMap::new()),
            prompt_log: Mutex::new(PromptLog::default()),
            running_node: Mutex::new(None),
            queue_changed: Notify::new(),
        }
    }

    pub fn queue(&self) -> MutexGuard<'_, PromptQueue> {
        lock(&self.queue)
    }

    pub fn history(&self) -> MutexGuard<'_, History> {
        lock(&self.history)
    }

    pub fn faults(&self) -> MutexGuard<'_, ActiveFaults> {
        lock(&self.faults)
    }

    /// Counts one request to `path`; `/api/queue` and `/queue` are the same route.
    pub fn count_request(&self, path: &str) {
        let bare = path
            .strip_prefix("/api")
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(path);
        *lock(&self.request_counts).entry(bare.to_owned()).or_default() += 1;
    }

    /// Requests per path since the start or the last [`Self::reset_request_counts`].
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        lock(&self.request_counts).clone()
    }

    pub fn reset_request_counts(&self) {
        lock(&self.request_counts).clear();
    }

    /// Runs `change` on the log of accepted prompts, which is kept only with `--faults`.
    pub fn log_prompt(&self, change: impl FnOnce(&mut PromptLog)) {
        if self.config.faults {
            change(&mut lock(&self.prompt_log));
        }
    }

    pub fn prompt_log_json(&self) -> Value {
        json!(lock(&self.prompt_log).entries())
    }

    pub fn queue_remaining(&self) -> usize {
        self.queue().remaining()
    }

    /// Tells every socket the new queue length.
    pub fn broadcast_status(&self) {
        self.hub
            .broadcast(&crate::messages::status(self.queue_remaining(), None));
    }

    /// `GET /features`, also the server's `feature_flags` reply (trace j_previews).
    pub fn features(&self) -> Value {
        json!({
            "supports_preview_metadata": true,
            "max_upload_size": self.config.max_upload_size_bytes(),
        })
    }

    pub fn set_running_node(&self, running: Option<RunningNode>) {
        *lock(&self.running_node) = running;
    }

    pub fn running_node_of(&self, client_id: &str) -> Option<String> {
        lock(&self.running_node)
            .as_ref()
            .filter(|running| running.client_id.as_deref() == Some(client_id))
            .map(|running| running.node_id.clone())
    }

    pub fn is_restarting(&self) -> bool {
        self.faults().is_restarting(Instant::now())
    }

    /// Holds a socket's next message back while the `stall_ws_ms` fault is active. It looks
    /// again every slice so that `DELETE /sim/faults` ends a long stall promptly.
    pub async fn wait_while_sockets_stalled(&self) {
        loop {
            let remaining = self.faults().stall_remaining(Instant::now());
            match remaining {
                Some(remaining) => {
                    tokio::time::sleep(remaining.min(Duration::from_millis(STALL_RECHECK_MS))).await
                }
                None => return,
            }
        }
    }
}
