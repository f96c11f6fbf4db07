//! How long the queue still runs, from measured durations per (profile, server).
//!
//! ETA = (Σ over the takes left of their expected remaining time) / P, where
//! - a running take's remaining time is its expected duration minus how long it has run
//!   (never below zero), a take waiting on a server or in the queue counts in full;
//! - a take's expected duration is the running mean of the runs of its profile on its
//!   server; a take not placed yet (or a server without runs) takes the profile's mean
//!   over every server, then the mean of all runs; nothing measured yet: no ETA;
//! - P is the number of healthy servers that can run one of the profiles left: ComfyUI
//!   runs one prompt at a time, so servers, not slots, work in parallel (at least 1).
//!
//! Rough on purpose: it says "about 12 minutes", and it gets better with every take.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::RenderQueue;
use super::entry::TakeState;
use super::schedule::QueueServer;
use crate::project::ProfileId;
use crate::server_url::ServerUrl;

/// The mean is a plain mean for the first runs; past this many it weighs each new run
/// 1/this, so it follows a server that got faster or a profile that got heavier.
pub const DURATION_WINDOW_RUNS: u32 = 10;

/// A small running statistic of take durations per (profile, server); stored with the
/// queue's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    #[serde(default)]
    measured: Vec<Measured>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Measured {
    profile: ProfileId,
    server: ServerUrl,
    runs: u32,
    mean_ms: f64,
}

impl DurationStats {
    /// A take of `profile` ran `duration_ms` on `server` (from its start to its end).
    pub fn record(&mut self, profile: &ProfileId, server: &ServerUrl, duration_ms: f64) {
        if !duration_ms.is_finite() || duration_ms < 0.0 {
            return;
        }
        let at = self
            .measured
            .iter()
            .position(|m| &m.profile == profile && &m.server == server);
        let measured = match at {
            Some(at) => &mut self.measured[at],
            None => {
                self.measured.push(Measured {
                    profile: profile.clone(),
                    server: server.clone(),
                    runs: 0,
                    mean_ms: 0.0,
                });
                let last = self.measured.len() - 1;
                &mut self.measured[last]
            }
        };
        measured.runs = measured.runs.saturating_add(1);
        let weight = 1.0 / f64::from(measured.runs.min(DURATION_WINDOW_RUNS));
        measured.mean_ms += (duration_ms - measured.mean_ms) * weight;
    }

    /// The mean of `profile`'s runs on `server`.
    pub fn mean_ms(&self, profile: &ProfileId, server: &ServerUrl) -> Option<f64> {
        self.measured
            .iter()
            .find(|m| &m.profile == profile && &m.server == server)
            .map(|m| m.mean_ms)
    }

    /// What a take of `profile` is expected to take on `server` (or anywhere), falling
    /// back as the module says.
    pub fn expected_ms(&self, profile: &ProfileId, server: Option<&ServerUrl>) -> Option<f64> {
        server
            .and_then(|server| self.mean_ms(profile, server))
            .or_else(|| weighted_mean(self.measured.iter().filter(|m| &m.profile == profile)))
            .or_else(|| weighted_mean(self.measured.iter()))
    }
}

fn weighted_mean<'m>(measured: impl Iterator<Item = &'m Measured>) -> Option<f64> {
    let (runs, total_ms) = measured.fold((0.0, 0.0), |(runs, total), m| {
        let weight = f64::from(m.runs);
        (runs + weight, total + m.mean_ms * weight)
    });
    (runs > 0.0).then(|| total_ms / runs)
}

impl RenderQueue {
    /// Milliseconds until every take left has run, by the module's formula; `Some(0.0)`
    /// with nothing left, `None` before any take of any profile was measured.
    pub fn eta_ms(&self, servers: &[QueueServer], now_ms: i64) -> Option<f64> {
        let stats = &self.settings.durations;
        let mut work_ms = 0.0;
        let mut profiles = BTreeSet::new();
        for entry in &self.entries {
            for take in entry.takes.iter().filter(|take| take.state.is_in_flight()) {
                let expected = stats.expected_ms(&entry.profile, Some(&take.server))?;
                let ran_ms = match (&take.state, take.started_at_ms) {
                    (TakeState::Running, Some(started)) => (now_ms - started) as f64,
                    _ => 0.0,
                };
                work_ms += (expected - ran_ms).max(0.0);
                profiles.insert(&entry.profile);
            }
            let waiting = entry.takes_to_place();
            if waiting > 0 {
                work_ms += stats.expected_ms(&entry.profile, None)? * waiting as f64;
                profiles.insert(&entry.profile);
            }
        }
        let parallel = servers
            .iter()
            .filter(|server| profiles.iter().any(|profile| server.runs(profile)))
            .count()
            .max(1);
        Some(work_ms / parallel as f64)
    }
}
