//! What a run came to, for the sentence shown when the queue is done: takes by how they
//! ended, entries that left early, and the failures grouped by reason.

use super::RenderQueue;
use super::entry::{RemovedReason, TakeState};
use crate::project::ShotId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueSummary {
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub lost: usize,
    /// Takes still in flight or waiting (zero once [`RenderQueue::is_finished`]).
    pub unfinished: usize,
    /// Takes never started because their entry left the queue.
    pub not_started: usize,
    /// Entries that left the queue, per reason, in the order of [`RemovedReason`].
    pub removed: Vec<(RemovedReason, usize)>,
    /// Failed and lost takes, grouped by reason, in the order first seen in the queue.
    pub failures: Vec<FailureGroup>,
}

/// Takes that failed for the same reason, and their shots (each shot once, queue order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup {
    pub reason: String,
    pub takes: usize,
    pub shots: Vec<ShotId>,
}

impl RenderQueue {
    pub fn summary(&self) -> QueueSummary {
        let mut summary = QueueSummary::default();
        for entry in &self.entries {
            if let Some(reason) = entry.removed {
                summary.not_started += usize::from(entry.takes_wanted).saturating_sub(entry.counted_takes());
                match summary.removed.iter_mut().find(|(known, _)| *known == reason) {
                    Some((_, count)) => *count += 1,
                    None => summary.removed.push((reason, 1)),
                }
            }
            summary.unfinished += entry.takes_to_place();
            for take in &entry.takes {
                let failure = match &take.state {
                    TakeState::Done => {
                        summary.done += 1;
                        None
                    }
                    TakeState::Cancelled => {
                        summary.cancelled += 1;
                        None
                    }
                    TakeState::Failed { reason } => {
                        summary.failed += 1;
                        Some(reason)
                    }
                    TakeState::Lost { reason } => {
                        summary.lost += 1;
                        Some(reason)
                    }
                    TakeState::Submitting | TakeState::Queued | TakeState::Running => {
                        summary.unfinished += 1;
                        None
                    }
                    // Attempts that never ran: their take was placed again.
                    TakeState::Unreached { .. } | TakeState::Withdrawn => None,
                };
                if let Some(reason) = failure {
                    add_failure(&mut summary.failures, reason, &entry.shot);
                }
            }
        }
        summary.removed.sort();
        summary
    }
}

fn add_failure(groups: &mut Vec<FailureGroup>, reason: &str, shot: &ShotId) {
    let at = match groups.iter().position(|group| group.reason == reason) {
        Some(at) => at,
        None => {
            groups.push(FailureGroup {
                reason: reason.to_owned(),
                takes: 0,
                shots: Vec::new(),
            });
            groups.len() - 1
        }
    };
    let group = &mut groups[at];
    group.takes += 1;
    if !group.shots.contains(shot) {
        group.shots.push(shot.clone());
    }
}
