//! What the caller reports back about a take: the POST's answer, the job's start and end.
//! Reports for unknown jobs or takes that already ended are ignored: the first verdict
//! stands, and a late or repeated event changes nothing.

use super::RenderQueue;
use super::controls::ServerJob;
use super::entry::{EntryId, TakeState};
use crate::project::JobId;

/// An entry's attempt that is the this-many-th to miss its server fails with its reason
/// instead of being placed again: a server that keeps refusing the connection is not
/// tried forever.
pub const MAX_UNREACHED_PER_ENTRY: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeReport {
    /// ComfyUI accepted the prompt, or a reload found it in the server's queue.
    Accepted,
    Started,
    /// The POST did not reach the server and the server does not know the job: the take
    /// is placed again (another server first).
    Unreached {
        reason: String,
    },
    /// The server answered and refused it, or the request could not be built.
    Refused {
        reason: String,
    },
    Ended(TakeEnd),
}

/// How a take's job ended, as the engine's job state machine says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeEnd {
    Done,
    Failed { reason: String },
    Cancelled,
    Lost { reason: String },
}

impl RenderQueue {
    /// Folds a report into the take of `job`. `false`: not a take of this queue, or the
    /// report changes nothing (late, repeated, or after the take ended).
    pub fn report(&mut self, job: &JobId, report: TakeReport, now_ms: i64) -> bool {
        let Some(id) = self.entry_of(job) else {
            return false;
        };
        let Some(entry) = self.entries.iter_mut().find(|entry| entry.id == id) else {
            return false;
        };
        let unreached_before = entry
            .takes
            .iter()
            .filter(|take| matches!(take.state, TakeState::Unreached { .. }))
            .count();
        let profile = entry.profile.clone();
        let Some(take) = entry.takes.iter_mut().find(|take| &take.job == job) else {
            return false;
        };
        let next = match (&take.state, report) {
            (TakeState::Submitting, TakeReport::Accepted) => TakeState::Queued,
            (TakeState::Submitting | TakeState::Queued, TakeReport::Started) => {
                take.started_at_ms = Some(now_ms);
                TakeState::Running
            }
            (TakeState::Submitting, TakeReport::Unreached { reason }) => {
                if unreached_before + 1 >= MAX_UNREACHED_PER_ENTRY {
                    TakeState::Failed { reason }
                } else {
                    TakeState::Unreached { reason }
                }
            }
            (TakeState::Submitting, TakeReport::Refused { reason }) => TakeState::Failed { reason },
            (state, TakeReport::Ended(end)) if state.is_in_flight() => {
                take.ended_at_ms = Some(now_ms);
                match end {
                    TakeEnd::Done => TakeState::Done,
                    TakeEnd::Failed { reason } => TakeState::Failed { reason },
                    TakeEnd::Cancelled => TakeState::Cancelled,
                    TakeEnd::Lost { reason } => TakeState::Lost { reason },
                }
            }
            _ => return false,
        };
        let measured = match (&next, take.started_at_ms) {
            (TakeState::Done, Some(started)) => Some((take.server.clone(), (now_ms - started) as f64)),
            _ => None,
        };
        take.state = next;
        self.changed.insert(id);
        if let Some((server, duration_ms)) = measured {
            self.set_settings(|settings| settings.durations.record(&profile, &server, duration_ms));
        }
        true
    }

    /// Takes recorded as submitting whose POST's fate is unknown (after a reload): ask
    /// each server for the job and report it `Accepted` (or its end) or `Unreached`.
    pub fn unconfirmed(&self) -> Vec<ServerJob> {
        self.entries
            .iter()
            .flat_map(|entry| &entry.takes)
            .filter(|take| take.state == TakeState::Submitting)
            .map(|take| ServerJob {
                server: take.server.clone(),
                job: take.job.clone(),
            })
            .collect()
    }

    /// Whether `job` is one of this queue's takes (the caller leaves those out of a
    /// server's `other_jobs_in_flight`).
    pub fn owns_job(&self, job: &JobId) -> bool {
        self.entry_of(job).is_some()
    }

    fn entry_of(&self, job: &JobId) -> Option<EntryId> {
        self.entries
            .iter()
            .find(|entry| entry.take(job).is_some())
            .map(|entry| entry.id.clone())
    }
}
