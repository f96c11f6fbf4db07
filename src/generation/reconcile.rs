//! The reconciler: asks each server's queue and history about unfinished jobs, because
//! the socket alone never decides "done" (messages are lost while it is down).

use std::rc::Rc;

use gloo_timers::callback::Interval;
use shotline_protocol::job::{QueueLookup, queue_position};
use shotline_protocol::reconcile_job;
use wasm_bindgen_futures::spawn_local;

use super::engine::{EngineRef, after_change, history_unreadable, now_ms};
use super::servers::note_contact;
use crate::comfy::socket::SocketHealth;

const TICK_MS: u32 = 250;
/// With a healthy socket, HTTP only backs it up; short enough that a socket that is open
/// but silently stalled still ends a job within about 3 s of the server finishing.
const HEALTHY_SOCKET_INTERVAL_MS: f64 = 2_500.0;
const UNHEALTHY_SOCKET_INTERVAL_MS: f64 = 1_500.0;
/// Requested reconciles (queue changed, socket reopened) still wait this long after the
/// previous one, so a burst of `status` messages costs one `/queue` poll.
const MIN_GAP_MS: f64 = 300.0;

pub(super) fn start_ticker(engine: &EngineRef) {
    let weak = Rc::downgrade(engine);
    let ticker = Interval::new(TICK_MS, move || {
        if let Some(engine) = weak.upgrade() {
            kick(&engine);
        }
    });
    engine.borrow_mut().ticker = Some(ticker);
}

/// Asks for a reconcile of the server of `prompt_id` as soon as possible.
pub(super) fn request(engine: &EngineRef, prompt_id: &str) {
    {
        let mut state = engine.borrow_mut();
        let Some(server_key) = state.jobs.get(prompt_id).map(|job| job.record.server.clone()) else {
            return;
        };
        if let Some(link) = state.servers.get_mut(&server_key) {
            link.reconcile_requested = true;
        }
    }
    kick(engine);
}

/// Starts a reconcile of every server that is due and not already being reconciled.
pub(super) fn kick(engine: &EngineRef) {
    let now = now_ms();
    let due: Vec<String> = {
        let state = engine.borrow();
        state
            .servers
            .iter()
            .filter(|(key, link)| {
                let interval = if link.health == SocketHealth::Open {
                    HEALTHY_SOCKET_INTERVAL_MS
                } else {
                    UNHEALTHY_SOCKET_INTERVAL_MS
                };
                !link.reconcile_in_flight
                    && !state.unfinished_on(key).is_empty()
                    && now - link.last_reconcile_ms >= MIN_GAP_MS
                    && (link.reconcile_requested || now - link.last_reconcile_ms >= interval)
            })
            .map(|(key, _)| key.clone())
            .collect()
    };
    for server_key in due {
        if let Some(link) = engine.borrow_mut().servers.get_mut(&server_key) {
            link.reconcile_in_flight = true;
            link.reconcile_requested = false;
        }
        let engine = Rc::clone(engine);
        spawn_local(async move {
            reconcile_server(&engine, &server_key).await;
            if let Some(link) = engine.borrow_mut().servers.get_mut(&server_key) {
                link.reconcile_in_flight = false;
                link.last_reconcile_ms = now_ms();
            }
        });
    }
}

async fn reconcile_server(engine: &EngineRef, server_key: &str) {
    let Some((client, suspicion, checked)) = engine
        .borrow()
        .servers
        .get(server_key)
        .map(|link| (link.client.clone(), link.restart_suspicion, link.restart_checked))
    else {
        return;
    };
    let restarted = suspicion != checked;
    // Only jobs the server had accepted before the queue is asked for can be judged by
    // its snapshot: one accepted after it is in neither list without having left the
    // server (the soak found those ending Lost after socket drops).
    let ids = engine.borrow().judged_on(server_key);
    // Queue first, then history: a prompt moving between them is found in one (the
    // server moves it to history before announcing the end).
    let Ok(queue) = client.queue().await else { return };
    note_contact(engine, server_key);
    let mut all_answered = true;
    for prompt_id in ids {
        let history = if queue_position(&queue, &prompt_id) == QueueLookup::Absent {
            match client.history_entry(&prompt_id).await {
                Ok(entry) => entry,
                Err(error) => {
                    all_answered = false;
                    if !error.is_transient() {
                        history_unreadable(engine, &prompt_id, &error);
                    }
                    continue;
                }
            }
        } else {
            None
        };
        let effect = {
            let mut state = engine.borrow_mut();
            let Some(job) = state.jobs.get_mut(&prompt_id) else {
                continue;
            };
            let effect = reconcile_job(&mut job.record.job, &queue, history.as_ref(), restarted);
            job.record.updated_ms = now_ms();
            job.refresh_view();
            effect
        };
        after_change(engine, &prompt_id, effect);
    }
    if all_answered && let Some(link) = engine.borrow_mut().servers.get_mut(server_key) {
        link.restart_checked = suspicion;
    }
}
