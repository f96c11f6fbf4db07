//! What the server pool needs from the engine: sockets kept open to every pool member,
//! and each one's socket state and Shotline jobs in flight. The choice itself is
//! `shotline_model::pool`, pure.

use leptos::prelude::*;
use shotline_model::pool::SocketState;
use shotline_model::server_url::ServerUrl;

use super::engine::now_ms;
use super::handle::Generation;
use super::servers::{self, SocketStatus};
use crate::comfy::socket::SocketHealth;

/// One server as the pool sees it now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerLoad {
    pub socket: SocketState,
    pub answered_ms_ago: Option<f64>,
    pub jobs_in_flight: usize,
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
            jobs_in_flight: state.unfinished_on(key).len(),
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
