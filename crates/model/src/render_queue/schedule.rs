//! What to place next: the queue's takes onto the pool's servers, in queue order, within
//! each server's room. The server choice itself is the pool's ([`choose_server_excluding`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::RenderQueue;
use super::entry::{EntryId, Take, TakeState};
use crate::pool::{Fit, NoServer, PoolMember, ServerSnapshot, SocketState, choose_server_excluding};
use crate::project::{JobId, ProfileId, ShotId};
use crate::server_url::ServerUrl;

/// One server of the pool as the scheduler needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueServer {
    pub url: ServerUrl,
    pub socket: SocketState,
    /// `None`: it never answered this page.
    pub answered_ms_ago: Option<f64>,
    /// Unfinished Shotline jobs on it that are not takes of this queue (a single
    /// Generate, another tab's run). The queue counts its own takes itself.
    pub other_jobs_in_flight: usize,
    /// Whether each profile passed preflight on it; a profile not listed is not checked
    /// yet (the shot waits for the check).
    pub fits: BTreeMap<ProfileId, Fit>,
}

impl QueueServer {
    /// `member` as this queue sees it: its jobs that `is_own` claims (the queue's takes,
    /// and those the app is sending for it) are left out of the others.
    pub fn of_member(member: &PoolMember, is_own: impl Fn(&JobId) -> bool) -> Self {
        Self {
            url: member.url.clone(),
            socket: member.socket,
            answered_ms_ago: member.answered_ms_ago,
            other_jobs_in_flight: member.jobs_in_flight_except(is_own),
            fits: member.fits.clone(),
        }
    }

    /// The server as the pool's rules see it for a job of `profile`.
    fn snapshot(&self, profile: &ProfileId, own_in_flight: usize) -> ServerSnapshot {
        ServerSnapshot {
            url: self.url.clone(),
            socket: self.socket,
            answered_ms_ago: self.answered_ms_ago,
            jobs_in_flight: self.other_jobs_in_flight + own_in_flight,
            fit: self.fits.get(profile).cloned().unwrap_or(Fit::Unchecked),
        }
    }

    pub(super) fn runs(&self, profile: &ProfileId) -> bool {
        self.snapshot(profile, 0).is_healthy() && self.fits.get(profile) == Some(&Fit::Passed)
    }
}

/// Submit take `take` (counted from 1) of `entry` to `server` with `job` as its prompt id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub entry: EntryId,
    pub shot: ShotId,
    pub profile: ProfileId,
    pub take: usize,
    pub job: JobId,
    pub server: ServerUrl,
}

/// Why an entry waits although it is its turn, as the person reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoServerForProfile<'q>(pub &'q NoServer);

impl NoServerForProfile<'_> {
    /// Some server is still connecting or being checked: the wait may end by itself.
    pub fn still_connecting(&self) -> bool {
        self.0.still_connecting()
    }
}

impl fmt::Display for NoServerForProfile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.skipped.is_empty() {
            return f.write_str("No server for this profile: no server is enabled in this project.");
        }
        write!(
            f,
            "No server for this profile: {}. It waits until one can run it.",
            self.0.reasons()
        )
    }
}

impl RenderQueue {
    /// The takes to submit now, each already recorded as submitting with the job id from
    /// `fresh_job_id` (the app passes a UUID generator). Write
    /// [`RenderQueue::drain_changes`] before POSTing them. Nothing while paused.
    ///
    /// Entries go in queue order, all of an entry's takes before the next entry; a take
    /// goes to the healthy server with room (under [`IN_FLIGHT_PER_SERVER`](crate::pool::IN_FLIGHT_PER_SERVER)) whose
    /// preflight passed for the profile with the fewest jobs, preferring servers the
    /// entry has not failed to reach. An entry no server could run even with room is
    /// held with the reasons ([`RenderQueue::hold`]); later entries still get their turn.
    pub fn place_next(
        &mut self,
        servers: &[QueueServer],
        fresh_job_id: &mut impl FnMut() -> String,
    ) -> Vec<Placement> {
        self.holds.clear();
        if self.settings.paused {
            return Vec::new();
        }
        let mut own_in_flight: HashMap<ServerUrl, usize> = HashMap::new();
        for take in self.entries.iter().flat_map(|entry| &entry.takes) {
            if take.state.is_in_flight() {
                *own_in_flight.entry(take.server.clone()).or_default() += 1;
            }
        }
        let mut placements = Vec::new();
        for index in 0..self.entries.len() {
            while self.entries[index].takes_to_place() > 0 {
                let entry = &self.entries[index];
                let snapshots: Vec<ServerSnapshot> = servers
                    .iter()
                    .map(|server| {
                        let own = own_in_flight.get(&server.url).copied().unwrap_or(0);
                        server.snapshot(&entry.profile, own)
                    })
                    .collect();
                let with_room: Vec<ServerSnapshot> = snapshots
                    .iter()
                    .filter(|server| server.has_room())
                    .cloned()
                    .collect();
                let unreached: Vec<&ServerUrl> = entry
                    .takes
                    .iter()
                    .filter(|take| matches!(take.state, TakeState::Unreached { .. }))
                    .map(|take| &take.server)
                    .collect();
                let chosen = choose_server_excluding(&with_room, &unreached)
                    .or_else(|_| choose_server_excluding(&with_room, &[]));
                let Ok(server) = chosen else {
                    // Full servers are a wait for room, said by the counts; only an entry
                    // that no server could run is held with the reasons.
                    if let Err(none) = choose_server_excluding(&snapshots, &[]) {
                        self.holds.insert(entry.id.clone(), none);
                    }
                    break;
                };
                *own_in_flight.entry(server.clone()).or_default() += 1;
                let job = JobId::new(fresh_job_id());
                let entry = &mut self.entries[index];
                entry.takes.push(Take {
                    job: job.clone(),
                    server: server.clone(),
                    state: TakeState::Submitting,
                    started_at_ms: None,
                    ended_at_ms: None,
                });
                placements.push(Placement {
                    entry: entry.id.clone(),
                    shot: entry.shot.clone(),
                    profile: entry.profile.clone(),
                    take: entry.counted_takes(),
                    job,
                    server,
                });
                self.changed.insert(entry.id.clone());
            }
        }
        placements
    }
}
