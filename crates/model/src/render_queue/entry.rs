//! One line of the render queue: a shot to render with a profile, how many takes, and
//! what became of each take.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::project::{JobId, ProfileId, ProjectId, ShotId, string_id};
use crate::server_url::ServerUrl;

/// The 'Takes' field beside a shot's Generate goes from 1 to this.
pub const MAX_TAKES_PER_ENTRY: u8 = 16;

string_id!(
    /// A render queue entry, made by the caller (a UUID in the app).
    EntryId
);

/// A shot to render. Stored as one record per entry; `order` keeps the queue's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: EntryId,
    pub project: ProjectId,
    pub shot: ShotId,
    pub profile: ProfileId,
    /// 1 to [`MAX_TAKES_PER_ENTRY`]; each take is a job of its own, all kept.
    pub takes_wanted: u8,
    /// Every submission made for the entry, oldest first, the ones that never reached a
    /// server included (they do not count towards `takes_wanted`).
    #[serde(default)]
    pub takes: Vec<Take>,
    /// Lower goes first. 'Move to front' gives one less than the smallest, so a move
    /// rewrites one record.
    pub order: i64,
    pub created_at_ms: i64,
    /// Why the entry left the queue; its takes already on a server still end as they end.
    #[serde(default)]
    pub removed: Option<RemovedReason>,
}

/// One submission of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Take {
    /// The prompt id the caller POSTs, chosen and stored before the POST: a reload finds
    /// it and reconciles instead of submitting the take again.
    pub job: JobId,
    pub server: ServerUrl,
    pub state: TakeState,
    #[serde(default)]
    pub started_at_ms: Option<i64>,
    #[serde(default)]
    pub ended_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TakeState {
    /// Recorded, the POST may be on its way: never placed again, only reconciled.
    Submitting,
    /// ComfyUI accepted it; it waits in that server's queue.
    Queued,
    Running,
    Done,
    Failed {
        reason: String,
    },
    Cancelled,
    Lost {
        reason: String,
    },
    /// The POST never reached the server and the server does not know the job: the take
    /// does not count and is placed again.
    Unreached {
        reason: String,
    },
    /// Taken back from a server removed from the project before it ran; placed again.
    Withdrawn,
}

impl TakeState {
    /// On a server, or maybe on its way there: it holds one of the server's slots.
    pub fn is_in_flight(&self) -> bool {
        matches!(self, Self::Submitting | Self::Queued | Self::Running)
    }

    /// A take that counts towards `takes_wanted`: everything but the attempts that never
    /// got to run.
    pub fn counts(&self) -> bool {
        !matches!(self, Self::Unreached { .. } | Self::Withdrawn)
    }
}

/// Why an entry left the queue. Each reason reads as a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedReason {
    ByYou,
    Stopped,
    ShotDeleted,
    ProfileDeleted,
}

impl fmt::Display for RemovedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ByYou => "Removed from the render queue.",
            Self::Stopped => "Stopped: its takes not yet on a server were dropped.",
            Self::ShotDeleted => "Its shot was deleted, so it left the render queue.",
            Self::ProfileDeleted => {
                "Its workflow profile was deleted, so it left the render queue: pick a profile and generate again."
            }
        })
    }
}

/// What the person sees of an entry, derived from its takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryState {
    /// Takes to place, none on a server yet.
    Waiting,
    /// On servers (or being submitted), none running yet.
    Placed {
        takes: Vec<(ServerUrl, JobId)>,
    },
    /// A take runs; others may still wait.
    Running,
    /// Every take ended and at least one made something.
    Finished,
    /// Every take ended, none made anything; the first take's reason.
    Failed {
        reason: String,
    },
    /// Every take was cancelled (from the shot's own Cancel).
    Cancelled,
    Removed {
        reason: RemovedReason,
    },
}

impl QueueEntry {
    /// Takes still to place: none once the entry left the queue.
    pub fn takes_to_place(&self) -> usize {
        if self.removed.is_some() {
            return 0;
        }
        usize::from(self.takes_wanted).saturating_sub(self.counted_takes())
    }

    pub fn counted_takes(&self) -> usize {
        self.takes.iter().filter(|take| take.state.counts()).count()
    }

    /// Something still to place or on a server.
    pub fn is_active(&self) -> bool {
        self.takes_to_place() > 0 || self.takes.iter().any(|take| take.state.is_in_flight())
    }

    pub fn take(&self, job: &JobId) -> Option<&Take> {
        self.takes.iter().find(|take| &take.job == job)
    }

    pub fn state(&self) -> EntryState {
        if let Some(reason) = self.removed {
            return EntryState::Removed { reason };
        }
        if self.takes.iter().any(|take| take.state == TakeState::Running) {
            return EntryState::Running;
        }
        let placed: Vec<(ServerUrl, JobId)> = self
            .takes
            .iter()
            .filter(|take| take.state.is_in_flight())
            .map(|take| (take.server.clone(), take.job.clone()))
            .collect();
        if !placed.is_empty() {
            return EntryState::Placed { takes: placed };
        }
        if self.takes_to_place() > 0 {
            return EntryState::Waiting;
        }
        if self.takes.iter().any(|take| take.state == TakeState::Done) {
            return EntryState::Finished;
        }
        let failure = self.takes.iter().find_map(|take| match &take.state {
            TakeState::Failed { reason } | TakeState::Lost { reason } => Some(reason.clone()),
            _ => None,
        });
        failure.map_or(EntryState::Cancelled, |reason| EntryState::Failed { reason })
    }
}
