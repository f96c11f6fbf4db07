//! What the pool reads from the engine: sockets kept open to every member, and each
//! server's socket state, last answer and unfinished jobs. How those jobs count is
//! `shotline_model::pool::PoolMember`'s.

use leptos::prelude::*;
use shotline_model::pool::SocketState;
use shotline_model::project::JobId;
use shotline_model::server_url::ServerUrl;

use crate::comfy::socket::SocketHealth;
use crate::generation::engine::now_ms;
use crate::generation::handle::Generation;
use crate::generation::servers::{self, SocketStatus};

/// One server as the engine sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLoad {
    pub socket: SocketState,
    pub answered_ms_ago: Option<f64>,
    /// Shotline's unfinished jobs on it (queued or running, any run).
    pub unfinished: Vec<JobId>,
}

impl Generation {
    /// Keeps a socket open to each of `members` (empty: no pool), so their health is
    /// known before a job is placed; former members without jobs are let go.
    pub fn keep_pool_open(&self, members: &[ServerUrl]) {
        let engine = self.engine.get_value();
        let keys: Vec<String> = members.iter().map(|m| m.as_str().to_owned()).collect();
        let former = std::mem::replace(&mut engine.borrow_mut().pool, keys.clone());
        for key in former.iter().filter(|key| !keys.contains(key)) {
            servers::release_if_unused(&engine, key);
        }
        for member in members {
            servers::ensure_link(&engine, member);
        }
    }

    /// The socket state, last answer and unfinished jobs of `server`; opens its socket
    /// if none is open yet.
    pub fn server_load(&self, server: &ServerUrl) -> ServerLoad {
        let engine = self.engine.get_value();
        servers::ensure_link(&engine, server);
        let state = engine.borrow();
        let key = server.as_str();
        let link = state.servers.get(key);
        ServerLoad {
            socket: link.map_or(SocketState::Opening, |link| {
                socket_state(&link.status.get_untracked())
            }),
            answered_ms_ago: link.and_then(|link| link.answered_ms).map(|at| now_ms() - at),
            unfinished: state.unfinished_on(key).into_iter().map(JobId::new).collect(),
        }
    }
}

fn socket_state(status: &SocketStatus) -> SocketState {
    match status.health {
        _ if status.is_down() => SocketState::Down,
        SocketHealth::Open => SocketState::Open,
        SocketHealth::Stalled => SocketState::Stalled,
        SocketHealth::Connecting | SocketHealth::Closed => SocketState::Opening,
    }
}
