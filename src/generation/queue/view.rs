//! The render queue as the region shows it: lines of text, ready to render.

use std::collections::HashMap;

use shotline_model::project::{Project, ShotId};
use shotline_model::render_queue::{
    EnqueueReport, EntryId, EntryState, QueueCounts, QueueSummary, TakeState,
};

use super::Shared;
use crate::generation::engine::now_ms;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueView {
    /// Another tab runs this project's queue; this one shows what it stored.
    pub runs_elsewhere: bool,
    pub paused: bool,
    pub counts: QueueCounts,
    pub eta_ms: Option<f64>,
    /// Entries still to place or on a server, in queue order.
    pub entries: Vec<EntryLine>,
    /// Once everything queued has ended: how it went.
    pub summary: Option<QueueSummary>,
    /// Shot numbers of the summary's failures, group by group.
    pub failure_shots: Vec<Vec<usize>>,
    pub notice: Option<String>,
}

impl QueueView {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.summary.is_none() && self.notice.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntryLine {
    pub id: EntryId,
    /// "Shot 3"; 0 when the shot is gone.
    pub shot_number: usize,
    /// "Waiting", "Running — take 2 of 3", "No server for this profile: …".
    pub state: String,
    pub first: bool,
}

pub(super) fn shot_numbers(project: &Project) -> HashMap<ShotId, usize> {
    project
        .scenes
        .iter()
        .flat_map(|scene| &scene.shots)
        .enumerate()
        .map(|(at, shot)| (shot.id.clone(), at + 1))
        .collect()
}

pub(super) fn queue_view(shared: &Shared, numbers: &HashMap<ShotId, usize>) -> QueueView {
    let Some(queue) = shared.queue.as_ref() else {
        return QueueView {
            notice: shared.notice.clone(),
            ..QueueView::default()
        };
    };
    let entries: Vec<EntryLine> = queue
        .entries()
        .iter()
        .filter(|entry| entry.is_active())
        .enumerate()
        .map(|(at, entry)| {
            let wanted = usize::from(entry.takes_wanted);
            let counted = entry.counted_takes();
            let of = if wanted > 1 {
                format!(" — {counted} of {wanted} takes")
            } else {
                String::new()
            };
            let state = match (entry.state(), queue.hold(&entry.id)) {
                (EntryState::Waiting, Some(hold)) => hold.to_string(),
                (EntryState::Waiting, None) if queue.is_paused() => format!("Waiting (paused){of}"),
                (EntryState::Waiting, None) => format!("Waiting{of}"),
                (EntryState::Placed { takes }, _) => {
                    let submitting = entry.takes.iter().any(|take| take.state == TakeState::Submitting);
                    let verb = if submitting {
                        "Sending to"
                    } else {
                        "In the queue of"
                    };
                    let server = takes
                        .first()
                        .map(|(server, _)| server.as_str())
                        .unwrap_or_default();
                    format!("{verb} {server}{of}")
                }
                (EntryState::Running, _) => format!("Running{of}"),
                (EntryState::Removed { reason }, _) => reason.to_string(),
                (EntryState::Finished, _) => "Done".to_owned(),
                (EntryState::Failed { reason }, _) => format!("Failed: {reason}"),
                (EntryState::Cancelled, _) => "Cancelled".to_owned(),
            };
            EntryLine {
                id: entry.id.clone(),
                shot_number: numbers.get(&entry.shot).copied().unwrap_or(0),
                state,
                first: at == 0,
            }
        })
        .collect();
    let summary = queue.is_finished().then(|| queue.summary());
    let failure_shots = summary
        .as_ref()
        .map(|summary| {
            summary
                .failures
                .iter()
                .map(|group| {
                    group
                        .shots
                        .iter()
                        .filter_map(|shot| numbers.get(shot).copied())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    QueueView {
        runs_elsewhere: !shared.runs_here,
        paused: queue.is_paused(),
        counts: queue.counts(),
        eta_ms: queue.eta_ms(&shared.servers, now_ms() as i64),
        entries,
        summary,
        failure_shots,
        notice: shared.notice.clone(),
    }
}

/// "3 shots queued. Shot 4 was not queued: …"
pub(super) fn enqueue_sentence(project: &Project, report: &EnqueueReport) -> String {
    let numbers = shot_numbers(project);
    let mut said = match (report.added.len(), report.already_queued.len()) {
        (0, 0) => String::new(),
        (added, 0) => format!("{added} shot(s) queued."),
        (0, already) => format!("{already} shot(s) already in the render queue."),
        (added, already) => format!("{added} shot(s) queued; {already} already in the render queue."),
    };
    for (shot, refusal) in &report.refused {
        let number = numbers.get(shot).copied().unwrap_or(0);
        if !said.is_empty() {
            said.push(' ');
        }
        said.push_str(&format!("Shot {number} was not queued: {refusal}"));
    }
    said
}
