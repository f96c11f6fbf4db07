//! Progress of a running job, folded from `execution_cached`, `executing`, `progress`,
//! `progress_state` and `executed`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::RunProgress;
use crate::ws::{NodeRunState, ProgressState};

/// Overall progress stops here until the job is Done: the last node finishing is not the
/// job finishing (history and outputs are still to come).
const RUNNING_PCT_CEILING: u8 = 99;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct ProgressTracker {
    /// Cached and finished nodes: a set, because the same node is reported finished by
    /// several messages (`progress_state` is cumulative).
    done: BTreeSet<String>,
    nodes_total: usize,
    current: Option<CurrentNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CurrentNode {
    node: String,
    display_node: Option<String>,
    step: Option<f64>,
    max: Option<f64>,
    /// The first step seen for this node and when: the pace since then gives the ETA.
    pace_origin: Option<(f64, u64)>,
    eta_ms: Option<u64>,
}

impl ProgressTracker {
    pub(super) fn new(nodes_total: usize) -> Self {
        Self {
            done: BTreeSet::new(),
            nodes_total,
            current: None,
        }
    }

    pub(super) fn cached(&mut self, nodes: &[String]) {
        self.done.extend(nodes.iter().cloned());
    }

    pub(super) fn executing(&mut self, node: &str, display_node: Option<&str>) {
        self.switch_to(node);
        if let Some(current) = &mut self.current {
            current.display_node = display_node.map(str::to_owned);
        }
    }

    pub(super) fn step(&mut self, node: Option<&str>, value: f64, max: f64, now_ms: u64) {
        if let Some(node) = node {
            self.switch_to(node);
        }
        let Some(current) = &mut self.current else {
            return;
        };
        let origin = match current.pace_origin {
            // A node can restart its loop (a second sampler pass): restart the pace too.
            Some((first, at)) if value >= first => (first, at),
            _ => (value, now_ms),
        };
        current.pace_origin = Some(origin);
        current.step = Some(value);
        current.max = Some(max);
        current.eta_ms = eta_ms(origin, value, max, now_ms);
    }

    pub(super) fn node_states(&mut self, state: &ProgressState) {
        let finished = state
            .nodes
            .iter()
            .filter(|(_, node)| node.state == NodeRunState::Finished)
            .map(|(id, _)| id.clone());
        self.done.extend(finished);
        // Subgraphs expand into more nodes than the submitted workflow lists.
        self.nodes_total = self.nodes_total.max(state.nodes.len());
    }

    pub(super) fn finished(&mut self, node: &str) {
        self.done.insert(node.to_owned());
    }

    pub(super) fn snapshot(&self, titles: &BTreeMap<String, String>) -> RunProgress {
        let nodes_done = self.done.len();
        let nodes_total = self.nodes_total.max(nodes_done);
        let current = self.current.as_ref();
        let current_fraction = current
            .filter(|current| !self.done.contains(&current.node))
            .and_then(|current| Some(current.step? / current.max?))
            .filter(|fraction| fraction.is_finite())
            .map_or(0.0, |fraction| fraction.clamp(0.0, 1.0));
        let overall = if nodes_total == 0 {
            0.0
        } else {
            (nodes_done as f64 + current_fraction) / nodes_total as f64 * 100.0
        };
        let title_node = current.map(|current| current.display_node.as_ref().unwrap_or(&current.node));
        RunProgress {
            node: current.map(|current| current.node.clone()),
            node_title: title_node.and_then(|node| titles.get(node)).cloned(),
            step: current.and_then(|current| current.step).map(whole_steps),
            max: current.and_then(|current| current.max).map(whole_steps),
            nodes_done,
            nodes_total,
            overall_pct: (overall.floor() as u8).min(RUNNING_PCT_CEILING),
            eta_ms: current.and_then(|current| current.eta_ms),
        }
    }

    /// Nodes run one at a time: when another node shows up, the previous one is done.
    fn switch_to(&mut self, node: &str) {
        if self.current.as_ref().is_some_and(|current| current.node == node) {
            return;
        }
        if let Some(previous) = self.current.take() {
            self.done.insert(previous.node);
        }
        self.current = Some(CurrentNode {
            node: node.to_owned(),
            display_node: None,
            step: None,
            max: None,
            pace_origin: None,
            eta_ms: None,
        });
    }
}

fn eta_ms((first, first_at_ms): (f64, u64), value: f64, max: f64, now_ms: u64) -> Option<u64> {
    let steps_done = value - first;
    if steps_done <= 0.0 || now_ms <= first_at_ms {
        return None;
    }
    let ms_per_step = (now_ms - first_at_ms) as f64 / steps_done;
    let remaining = (max - value).max(0.0) * ms_per_step;
    remaining.is_finite().then_some(remaining.round() as u64)
}

/// Steps are whole numbers on the wire except in `progress_state` (`0.0`).
fn whole_steps(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}
