//! `use_pool()`: where a job goes when several servers share the work. With two or more
//! enabled servers each new job goes to the healthy one with the fewest Shotline jobs
//! whose preflight passed for the job's profiles; with fewer, to the active server.
//!
//! One concern, three layers:
//! - the rules (health, fit, fewest jobs, [`IN_FLIGHT_PER_SERVER`] per server) are pure:
//!   `shotline_model::pool` and the render queue's scheduler, tested natively;
//! - this folder reads each member's state into one `PoolMember` (`members.rs`), from the
//!   engine's sockets and jobs (`load.rs`) and the workflows' preflight, and places single
//!   Generate clicks (`placement.rs`); the render queue reads the same members;
//! - views (`components/servers/`, `components/storyboard/generate.rs`) call [`Pool`]'s
//!   methods and nothing else.
//!
//! It lives under `generation/` because the pool is `use_generation()`'s backpressure:
//! what it reads (sockets, unfinished jobs) is the engine's, and its only other caller,
//! the render queue, lives here too.
//!
//! [`IN_FLIGHT_PER_SERVER`]: shotline_model::pool::IN_FLIGHT_PER_SERVER

mod load;
mod members;
mod placement;

use std::collections::HashMap;

use leptos::prelude::*;
use shotline_model::pool::pool_members;
use shotline_model::server_url::ServerUrl;

use super::Generation;
use crate::project::ProjectData;
use crate::workflows::Workflows;
pub use load::ServerLoad;
pub use placement::{PlaceError, Placed};

#[derive(Clone, Copy)]
pub struct Pool {
    data: ProjectData,
    generation: Generation,
    /// Preflight: whether a profile runs on a server.
    workflows: Workflows,
    /// Jobs placed on a pool server but not recorded yet, by server (see [`Placed`]).
    placing: StoredValue<HashMap<String, usize>>,
    enabled: Memo<Option<Vec<ServerUrl>>>,
}

/// Installs the pool for the views and the render queue. The pool's sockets open as soon
/// as two servers are enabled, so each one's health is known before a shot is placed.
pub fn provide_pool(data: ProjectData, generation: Generation, workflows: Workflows) -> Pool {
    let enabled = Memo::new(move |_| data.with_project(|p| pool_members(&p.servers)).flatten());
    Effect::new(move |_| {
        enabled.with(|members| generation.keep_pool_open(members.as_deref().unwrap_or_default()));
    });
    let pool = Pool {
        data,
        generation,
        workflows,
        placing: StoredValue::new(HashMap::new()),
        enabled,
    };
    provide_context(pool);
    pool
}

pub fn use_pool() -> Pool {
    expect_context()
}

impl Pool {
    /// The enabled servers when two or more share the work, else `None`; tracked.
    pub fn enabled(&self) -> Memo<Option<Vec<ServerUrl>>> {
        self.enabled
    }

    /// The pool's servers, the active one first (it wins ties); `None` without a pool.
    pub fn members(&self, active: &ServerUrl) -> Option<Vec<ServerUrl>> {
        let mut members = self
            .data
            .read_untracked(|project| pool_members(&project.servers))
            .flatten()?;
        if let Some(at) = members.iter().position(|member| member == active) {
            let active = members.remove(at);
            members.insert(0, active);
        }
        Some(members)
    }

    /// [`Pool::members`], with a socket kept open to each: what a placement reads next.
    pub(crate) fn open_members(&self, active: &ServerUrl) -> Option<Vec<ServerUrl>> {
        let members = self.members(active)?;
        self.generation.keep_pool_open(&members);
        Some(members)
    }
}
