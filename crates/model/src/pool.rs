//! The server pool: which of the project's enabled servers a new job goes to. Pure, so
//! the rules (healthy, preflight passed, fewest jobs) are tested natively; the app takes
//! a [`PoolMember`] of each server and asks [`choose_server`] (or the render queue).

mod member;

use std::fmt;

use crate::project::ServerConfig;
use crate::server_url::ServerUrl;

pub use member::PoolMember;

/// A server that answered this recently counts as healthy while its socket is (re)opening
/// or silent: a socket blip is not a dead server.
pub const RECENT_ANSWER_MS: f64 = 30_000.0;

/// Generate all keeps this many of its jobs on each server: one running, one queued, so
/// a timeline never floods a server that others share.
pub const IN_FLIGHT_PER_SERVER: usize = 2;

/// The socket of a server as far as the pool cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketState {
    Open,
    /// Open, but nothing arrived for a while although a job is running.
    Stalled,
    /// Opening for the first time.
    Opening,
    /// Closed, or failed since it was last open and retrying.
    Down,
}

/// Whether the shot's profiles passed preflight on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    Passed,
    /// Why not, as a sentence fragment ("misses node X", "its node list could not be read").
    Failed(String),
    /// Not checked (an unhealthy server is not asked for its node list).
    Unchecked,
}

/// One enabled server at the moment a job is placed.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSnapshot {
    pub url: ServerUrl,
    pub socket: SocketState,
    /// `None`: it never answered this page.
    pub answered_ms_ago: Option<f64>,
    /// Shotline's unfinished jobs on it (queued or running, any run).
    pub jobs_in_flight: usize,
    pub fit: Fit,
}

impl ServerSnapshot {
    pub fn is_healthy(&self) -> bool {
        let answered_recently = self.answered_ms_ago.is_some_and(|ago| ago <= RECENT_ANSWER_MS);
        match self.socket {
            SocketState::Open => true,
            SocketState::Down => false,
            SocketState::Opening | SocketState::Stalled => answered_recently,
        }
    }

    /// Under [`IN_FLIGHT_PER_SERVER`]: the render queue may place one more take there.
    pub fn has_room(&self) -> bool {
        self.jobs_in_flight < IN_FLIGHT_PER_SERVER
    }

    fn skip_reason(&self) -> Option<Skip> {
        if !self.is_healthy() {
            return Some(match self.socket {
                SocketState::Opening => Skip::NotConnectedYet,
                _ => Skip::Unreachable,
            });
        }
        match &self.fit {
            Fit::Passed => None,
            Fit::Failed(reason) => Some(Skip::PreflightFailed(reason.clone())),
            Fit::Unchecked => Some(Skip::NotConnectedYet),
        }
    }
}

/// Why a server was passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The job to move is on it ("Resubmit on another server").
    Excluded,
    NotConnectedYet,
    Unreachable,
    PreflightFailed(String),
}

/// No server can take the job; each one's reason, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NoServer {
    pub skipped: Vec<(ServerUrl, Skip)>,
}

impl NoServer {
    /// Some server is still opening its socket: worth asking again in a moment.
    pub fn still_connecting(&self) -> bool {
        self.skipped
            .iter()
            .any(|(_, skip)| *skip == Skip::NotConnectedYet)
    }
}

impl NoServer {
    /// Each server's reason, joined ("a is unreachable; b cannot run its workflow (…)").
    pub fn reasons(&self) -> String {
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(server, skip)| {
                let server = server.display();
                match skip {
                    Skip::Excluded => format!("{server} already had it"),
                    Skip::NotConnectedYet => format!("{server} is not connected yet"),
                    Skip::Unreachable => format!("{server} is unreachable"),
                    Skip::PreflightFailed(reason) => format!("{server} cannot run its workflow ({reason})"),
                }
            })
            .collect();
        reasons.join("; ")
    }
}

impl fmt::Display for NoServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.skipped.is_empty() {
            return f.write_str("No server is enabled in this project: enable one in the Servers panel.");
        }
        write!(
            f,
            "No enabled server can take this shot: {}. Start or fix a server, or enable another one in the Servers panel.",
            self.reasons()
        )
    }
}

/// The enabled servers when there are at least two: then jobs are spread over them.
/// `None` with zero or one enabled: Generate uses the active server, as without a pool.
pub fn pool_members(servers: &[ServerConfig]) -> Option<Vec<ServerUrl>> {
    let enabled: Vec<ServerUrl> = servers
        .iter()
        .filter(|server| server.enabled)
        .map(|server| server.url.clone())
        .collect();
    (enabled.len() >= 2).then_some(enabled)
}

/// The healthy server whose preflight passed with the fewest jobs in flight; on a tie,
/// the one given first. `exclude` is never chosen (the server a job is moved away from).
pub fn choose_server(servers: &[ServerSnapshot], exclude: Option<&ServerUrl>) -> Result<ServerUrl, NoServer> {
    choose_server_excluding(servers, exclude.as_slice())
}

/// [`choose_server`] passing over every server of `exclude` (the render queue's servers a
/// take already failed to reach).
pub fn choose_server_excluding(
    servers: &[ServerSnapshot],
    exclude: &[&ServerUrl],
) -> Result<ServerUrl, NoServer> {
    let mut skipped = Vec::new();
    let mut best: Option<&ServerSnapshot> = None;
    for server in servers {
        let skip = if exclude.contains(&&server.url) {
            Some(Skip::Excluded)
        } else {
            server.skip_reason()
        };
        match skip {
            Some(skip) => skipped.push((server.url.clone(), skip)),
            None if best.is_none_or(|best| server.jobs_in_flight < best.jobs_in_flight) => {
                best = Some(server);
            }
            None => {}
        }
    }
    best.map(|server| server.url.clone()).ok_or(NoServer { skipped })
}

/// Generate all may place another job: some healthy server has fewer than
/// [`IN_FLIGHT_PER_SERVER`] jobs. An unreachable server's stuck jobs block nobody.
pub fn has_room(servers: &[ServerSnapshot]) -> bool {
    servers
        .iter()
        .any(|server| server.is_healthy() && server.has_room())
}

#[cfg(test)]
mod tests;
