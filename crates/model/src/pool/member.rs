//! One pool member at a moment, as the app reads it from its sockets, jobs and preflight
//! cache: the one snapshot that both single-shot placement ([`PoolMember::snapshot`]) and
//! the render queue ([`QueueServer::of_member`](crate::render_queue::QueueServer::of_member))
//! are fed from, so both count a server's jobs in flight by the same rule.

use std::collections::BTreeMap;

use super::{Fit, ServerSnapshot, SocketState};
use crate::project::{JobId, ProfileId};
use crate::server_url::ServerUrl;

#[derive(Debug, Clone, PartialEq)]
pub struct PoolMember {
    pub url: ServerUrl,
    pub socket: SocketState,
    /// `None`: it never answered this page.
    pub answered_ms_ago: Option<f64>,
    /// Shotline's unfinished jobs on it (queued or running, any run).
    pub unfinished: Vec<JobId>,
    /// Jobs placed on it whose submission is not recorded yet (a Generate click still
    /// uploading its keyframe): they count as in flight, or two quick clicks would both
    /// pick the same idle server.
    pub placing: usize,
    /// Whether each profile asked about passed preflight on it. Only a healthy member is
    /// asked; a profile not listed is unchecked.
    pub fits: BTreeMap<ProfileId, Fit>,
}

impl PoolMember {
    /// A member with nothing checked yet: its fits are asked for only when this is true.
    pub fn is_healthy(&self) -> bool {
        self.snapshot(&[]).is_healthy()
    }

    /// Its jobs in flight, leaving out those `is_own` claims (the render queue counts its
    /// own takes itself).
    pub fn jobs_in_flight_except(&self, is_own: impl Fn(&JobId) -> bool) -> usize {
        self.unfinished.iter().filter(|job| !is_own(job)).count() + self.placing
    }

    /// The member as [`choose_server`](super::choose_server) sees it for a job that runs
    /// `profiles` (a two-stage shot runs two): all must have passed; the first that did
    /// not says why.
    pub fn snapshot(&self, profiles: &[ProfileId]) -> ServerSnapshot {
        ServerSnapshot {
            url: self.url.clone(),
            socket: self.socket,
            answered_ms_ago: self.answered_ms_ago,
            jobs_in_flight: self.jobs_in_flight_except(|_| false),
            fit: self.fit_of(profiles),
        }
    }

    fn fit_of(&self, profiles: &[ProfileId]) -> Fit {
        for profile in profiles {
            match self.fits.get(profile) {
                Some(Fit::Passed) => {}
                Some(other) => return other.clone(),
                None => return Fit::Unchecked,
            }
        }
        Fit::Passed
    }
}
