//! Where a prompt stands in a queue snapshot.

use std::cmp::Ordering;

use super::QueuePlace;
use crate::http::{QueueItem, QueueSnapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueLookup {
    Running,
    Pending(QueuePlace),
    /// In neither list: not yet queued, finished (see history), or removed.
    Absent,
}

/// The server runs pending prompts by ascending `number`, but lists them in heap order
/// (trace d: `[-21, 16, -20, 19, 17, 18]`), so the position is the prompt's rank among
/// pending sorted by `(number, prompt_id)`; 1 runs next. Numbers can be negative
/// (`front: true`) or floats (client-supplied, trace c).
pub fn queue_position(snapshot: &QueueSnapshot, prompt_id: &str) -> QueueLookup {
    if snapshot.is_running(prompt_id) {
        return QueueLookup::Running;
    }
    let Some(mine) = snapshot.pending(prompt_id) else {
        return QueueLookup::Absent;
    };
    let pending_ahead = snapshot
        .queue_pending
        .iter()
        .filter(|other| run_order(other, mine) == Ordering::Less)
        .count();
    QueueLookup::Pending(QueuePlace {
        position: pending_ahead + 1,
        ahead: pending_ahead + snapshot.queue_running.len(),
    })
}

fn run_order(a: &QueueItem, b: &QueueItem) -> Ordering {
    a.number
        .total_cmp(&b.number)
        .then_with(|| a.prompt_id.cmp(&b.prompt_id))
}
