//! What happens to the page and around it during the soak: reloads at random moments,
//! some of them right after a shot turned Submitting while the servers hold back the
//! POST's answer (a reload between the job's save and the answer), a second tab of the
//! app opened for a while and closed, and a foreign client clearing a server's history.
//! Drawn from their own seeded generator, at a slower pace than the server faults: each
//! reload costs the page a few seconds of work.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use super::faults::{Injector, Progress, epoch_ms, host};
use super::page::Page;

/// Mixed into the seed, so this generator's draws do not repeat the server faults' ones.
const SEED_SALT: u64 = 0x005e_ed0f_7a6e;
const FIRST_EVENT_MS: std::ops::Range<u64> = 4_000..12_000;
const EVENT_GAP_MS: std::ops::Range<u64> = 12_000..40_000;
/// How long the servers hold back the POST's answer around a reload meant to land in
/// the Submitting window.
const ANSWER_DELAY_MS: std::ops::Range<u64> = 1_500..6_000;
/// How long the reload waits for a card to show Submitting before it reloads anyway.
const SUBMITTING_PATIENCE_MS: u64 = 10_000;
/// The second tab opens when these shares of the prompts have finished (per mille).
const SECOND_TAB_AT_PER_MILLE: [std::ops::Range<usize>; 2] = [50..300, 450..750];
const SECOND_TAB_OPEN_MS: std::ops::Range<u64> = 8_000..30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageEvent {
    Reload,
    ReloadWhileSubmitting,
    ClearHistory,
}

pub struct PageEvents<'a> {
    page: &'a Page<'a>,
    rng: SmallRng,
    next_at: Instant,
    /// Finished prompts at which the second tab opens, soonest last.
    tab_opens_after: Vec<usize>,
    tab_closes_at: Option<Instant>,
}

impl<'a> PageEvents<'a> {
    pub fn new(page: &'a Page<'a>, seed: u64, prompts: usize) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed ^ SEED_SALT);
        let next_at = Instant::now() + Duration::from_millis(rng.random_range(FIRST_EVENT_MS));
        let mut tab_opens_after: Vec<usize> = SECOND_TAB_AT_PER_MILLE
            .iter()
            .map(|range| prompts * rng.random_range(range.clone()) / 1000)
            .collect();
        tab_opens_after.reverse();
        Self {
            page,
            rng,
            next_at,
            tab_opens_after,
            tab_closes_at: None,
        }
    }

    pub fn print_plan(&self) {
        println!(
            "SOAK plan: a reload, a Submitting-window reload or a history clear every {}–{} s; \
             a second tab after {:?} prompts finished",
            EVENT_GAP_MS.start / 1000,
            EVENT_GAP_MS.end / 1000,
            self.tab_opens_after.iter().rev().collect::<Vec<_>>()
        );
    }

    fn draw(&mut self) -> PageEvent {
        match self.rng.random_range(0..100) {
            0..40 => PageEvent::Reload,
            40..75 => PageEvent::ReloadWhileSubmitting,
            _ => PageEvent::ClearHistory,
        }
    }
}

impl Injector<'_> {
    /// Runs the page event that is due, if any.
    pub(super) async fn page_event_if_due(&mut self, progress: &Progress) {
        let finished = progress.finished.load(Ordering::Relaxed);
        if self
            .page_events
            .tab_closes_at
            .is_some_and(|at| Instant::now() >= at)
        {
            self.page_events.tab_closes_at = None;
            let closed = self.page_events.page.close_second_tab().await;
            self.note("second_tab_closed", closed);
        }
        if self.page_events.tab_closes_at.is_none()
            && self
                .page_events
                .tab_opens_after
                .last()
                .is_some_and(|&at| finished >= at)
        {
            self.page_events.tab_opens_after.pop();
            let open_ms = self.page_events.rng.random_range(SECOND_TAB_OPEN_MS);
            self.page_events.tab_closes_at = Some(Instant::now() + Duration::from_millis(open_ms));
            let opened = self.page_events.page.open_second_tab().await;
            self.note("second_tab_opened", opened);
        }
        if Instant::now() < self.page_events.next_at {
            return;
        }
        let event = self.page_events.draw();
        let gap_ms = self.page_events.rng.random_range(EVENT_GAP_MS);
        match event {
            PageEvent::Reload => {
                self.injected.reloads.push(epoch_ms());
                let reloaded = self.page_events.page.reload().await;
                self.note("reload", reloaded);
            }
            PageEvent::ReloadWhileSubmitting => self.reload_while_submitting().await,
            PageEvent::ClearHistory => self.clear_history().await,
        }
        self.page_events.next_at = Instant::now() + Duration::from_millis(gap_ms);
    }

    /// Holds back every reachable server's POST answers, reloads once a card shows
    /// Submitting, then lets the answers go again.
    async fn reload_while_submitting(&mut self) {
        let delay_ms = self.page_events.rng.random_range(ANSWER_DELAY_MS);
        let held = self.reachable();
        for &sim in &held {
            self.send(
                sim,
                "prompt_answer_delay",
                json!({ "prompt_answer_delay_ms": delay_ms }),
            )
            .await;
        }
        self.injected.reloads.push(epoch_ms());
        let patience = Duration::from_millis(SUBMITTING_PATIENCE_MS);
        let reloaded = self.page_events.page.reload_while_submitting(patience).await;
        println!(
            "SOAK event {} reload_while_submitting {:?}",
            epoch_ms(),
            reloaded.as_ref().ok()
        );
        match reloaded {
            Ok(true) => self.count("reload_while_submitting"),
            Ok(false) => self.count("reload_while_submitting_missed (no card was Submitting)"),
            Err(error) => self
                .injected
                .refused
                .push(format!("reload_while_submitting: {error:#}")),
        }
        for sim in held {
            if let Err(error) = self.sims[sim]
                .set_faults(json!({ "prompt_answer_delay_ms": 0 }))
                .await
            {
                self.injected
                    .refused
                    .push(format!("prompt_answer_delay off: {error:#}"));
            }
        }
    }

    /// `POST /history {"clear": true}` on one server, as another person's ComfyUI tab.
    async fn clear_history(&mut self) {
        let reachable = self.reachable();
        if reachable.is_empty() {
            return;
        }
        let sim = reachable[self.page_events.rng.random_range(0..reachable.len())];
        let at_ms = epoch_ms();
        let cleared = self.sims[sim].clear_history().await;
        if cleared.is_ok() {
            self.injected.clears.push((host(&self.sims[sim]), at_ms));
        }
        self.note("clear_history", cleared);
    }

    /// At the end: the second tab closed.
    pub(super) async fn page_events_end(&mut self) {
        if self.page_events.tab_closes_at.take().is_some() {
            let closed = self.page_events.page.close_second_tab().await;
            self.note("second_tab_closed", closed);
        }
    }

    fn note(&mut self, kind: &str, outcome: anyhow::Result<()>) {
        println!(
            "SOAK event {} {kind}{}",
            epoch_ms(),
            if outcome.is_ok() { "" } else { " (failed)" }
        );
        match outcome {
            Ok(()) => self.count(kind),
            Err(error) => self.injected.refused.push(format!("{kind}: {error:#}")),
        }
    }

    fn count(&mut self, kind: &str) {
        *self.injected.counts.entry(kind.to_owned()).or_default() += 1;
    }
}
