//! The soak's fault injector: random faults on random servers at random moments, from a
//! seeded generator (the seed is printed, so the schedule of kinds and sizes can be
//! replayed; the moments depend on the machine's pace). Exactly one server restarts,
//! once a share of the prompts has finished, so the restart hits a run in full swing.
//! Events on the page itself (reloads, a second tab, a foreign client clearing history)
//! are drawn in page_events.rs from a generator of their own, so adding them left this
//! schedule of server faults as it was for a given seed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shotline_e2e::Sim;

use super::page::Page;
use super::page_events::PageEvents;

/// How often the injector looks at the clock and the run's progress.
const TICK_MS: u64 = 100;
/// Pause between two faults, drawn uniformly.
const GAP_MS: std::ops::Range<u64> = 400..2_500;
/// How long a slowed history or /view stays slow before the injector clears it.
const LASTING_MS: std::ops::Range<u64> = 1_000..8_000;
const RESTART_MS: std::ops::Range<u64> = 2_000..6_000;
/// The restart comes once this share of the prompts has finished (drawn in per mille).
const RESTART_AT_PER_MILLE: std::ops::Range<usize> = 200..600;
/// Other faults leave the restarting server alone until it is back and a little after.
const AFTER_RESTART_QUIET_MS: u64 = 1_000;

/// When a server was down for its restart, in epoch ms, and which one.
#[derive(Debug, Clone)]
pub struct Restart {
    pub host: String,
    pub started_ms: u64,
    pub ended_ms: u64,
}

/// What the injector did, for the report.
#[derive(Debug, Default)]
pub struct Injected {
    pub counts: BTreeMap<String, u32>,
    pub restart: Option<Restart>,
    /// Histories cleared by a foreign client: which server, when (epoch ms).
    pub clears: Vec<(String, u64)>,
    /// When the page was reloaded (epoch ms).
    pub reloads: Vec<u64>,
    /// Faults the server did not take (a request refused while it restarted, say).
    pub refused: Vec<String>,
}

/// Shared between the injector and the loop watching the page.
pub struct Progress {
    pub finished: AtomicUsize,
    pub stop: AtomicBool,
}

pub fn epoch_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

pub fn host(sim: &Sim) -> String {
    format!("127.0.0.1:{}", sim.port)
}

/// A lasting fault to switch off later.
struct Pending {
    at: Instant,
    sim: usize,
    clear: Value,
}

pub struct Injector<'a> {
    pub(super) sims: &'a [Sim],
    rng: SmallRng,
    prompts: usize,
    restart_after: usize,
    pub(super) injected: Injected,
    pending: Vec<Pending>,
    pub(super) page_events: PageEvents<'a>,
}

impl<'a> Injector<'a> {
    pub fn new(sims: &'a [Sim], page: &'a Page<'a>, seed: u64, prompts: usize) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let restart_after = prompts * rng.random_range(RESTART_AT_PER_MILLE) / 1000;
        Self {
            sims,
            rng,
            prompts,
            restart_after,
            injected: Injected::default(),
            pending: Vec::new(),
            page_events: PageEvents::new(page, seed, prompts),
        }
    }

    /// Injects until `progress.stop`, then switches the lasting faults off.
    pub async fn run(mut self, progress: &Progress) -> Injected {
        println!(
            "SOAK plan: one restart after {} of {} prompts finished; a fault every {}–{} ms",
            self.restart_after, self.prompts, GAP_MS.start, GAP_MS.end
        );
        self.page_events.print_plan();
        let mut next = Instant::now() + self.gap();
        while !progress.stop.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(TICK_MS)).await;
            self.clear_due(false).await;
            if self.injected.restart.is_none()
                && progress.finished.load(Ordering::Relaxed) >= self.restart_after
            {
                self.restart().await;
            }
            if Instant::now() >= next {
                self.one_fault().await;
                next = Instant::now() + self.gap();
            }
            self.page_event_if_due(progress).await;
        }
        self.clear_due(true).await;
        self.page_events_end().await;
        self.injected
    }

    fn gap(&mut self) -> Duration {
        Duration::from_millis(self.rng.random_range(GAP_MS))
    }

    async fn restart(&mut self) {
        let sim = self.rng.random_range(0..self.sims.len());
        let restart_ms = self.rng.random_range(RESTART_MS);
        let started_ms = epoch_ms();
        let body = json!({ "restart": true, "restart_ms": restart_ms });
        self.send(sim, "restart", body).await;
        let restart = Restart {
            host: host(&self.sims[sim]),
            started_ms,
            ended_ms: epoch_ms() + restart_ms,
        };
        println!("SOAK restarting {} for {restart_ms} ms", restart.host);
        self.injected.restart = Some(restart);
    }

    /// The servers that may take a fault now: not one that is restarting.
    pub(super) fn reachable(&self) -> Vec<usize> {
        let quiet_until = self
            .injected
            .restart
            .as_ref()
            .map(|restart| (restart.host.clone(), restart.ended_ms + AFTER_RESTART_QUIET_MS));
        (0..self.sims.len())
            .filter(|&at| {
                quiet_until.as_ref().is_none_or(|(host_down, until)| {
                    *host_down != host(&self.sims[at]) || epoch_ms() >= *until
                })
            })
            .collect()
    }

    async fn one_fault(&mut self) {
        let reachable = self.reachable();
        if reachable.is_empty() {
            return;
        }
        let sim = reachable[self.rng.random_range(0..reachable.len())];
        let (kind, body) = self.draw();
        if let Some(clear) = lasting_clear(&body) {
            let at = Instant::now() + Duration::from_millis(self.rng.random_range(LASTING_MS));
            self.pending.push(Pending { at, sim, clear });
        }
        self.send(sim, &kind, body).await;
    }

    /// One fault, by weight: socket drops and stalls, slow history and /view, 500s.
    fn draw(&mut self) -> (String, Value) {
        let rng = &mut self.rng;
        match rng.random_range(0..100) {
            0..20 => ("drop_ws".into(), json!({ "drop_ws": true })),
            20..35 => (
                "stall_ws".into(),
                json!({ "stall_ws_ms": rng.random_range(500..8_000) }),
            ),
            35..50 => (
                "history_delay".into(),
                json!({ "history_delay_ms": rng.random_range(200..3_000) }),
            ),
            50..62 => (
                "view_delay".into(),
                json!({ "view_delay_ms": rng.random_range(200..3_000) }),
            ),
            draw => {
                let path = ["/history", "/view", "/prompt"][draw % 3];
                let times = rng.random_range(1..=4);
                (
                    format!("http_500 {path}"),
                    json!({ "http": { "path": path, "status": 500, "times": times } }),
                )
            }
        }
    }

    async fn clear_due(&mut self, all: bool) {
        let now = Instant::now();
        let (due, later): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| all || p.at <= now);
        self.pending = later;
        for pending in due {
            if let Err(error) = self.sims[pending.sim].set_faults(pending.clear.clone()).await {
                self.injected
                    .refused
                    .push(format!("clearing {}: {error:#}", pending.clear));
            }
        }
    }

    pub(super) async fn send(&mut self, sim: usize, kind: &str, body: Value) {
        match self.sims[sim].set_faults(body).await {
            Ok(()) => *self.injected.counts.entry(kind.to_owned()).or_default() += 1,
            Err(error) => self.injected.refused.push(format!("{kind}: {error:#}")),
        }
    }
}

/// The request that switches a lasting fault off again; `None` for one-shot faults and
/// faults that wear off by themselves.
fn lasting_clear(body: &Value) -> Option<Value> {
    ["history_delay_ms", "view_delay_ms"]
        .into_iter()
        .find(|key| body.get(key).is_some())
        .map(|key| json!({ key: 0 }))
}
