//! The single execution worker: one prompt at a time, like ComfyUI's prompt_worker thread.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;

use crate::cache::NodeCache;
use crate::execution::{Outcome, execute};
use crate::messages;
use crate::queue::QueueItem;
use crate::state::Sim;

pub async fn run(sim: Arc<Sim>) {
    let mut cache = NodeCache::default();
    let mut restarts_seen = sim.restart_count.load(Ordering::SeqCst);
    loop {
        let next = sim.queue().start_next();
        let Some(item) = next else {
            sim.queue_changed.notified().await;
            continue;
        };
        sim.log_prompt(|log| log.started(&item.prompt_id));
        let restarts = sim.restart_count.load(Ordering::SeqCst);
        if restarts != restarts_seen {
            cache.clear();
            restarts_seen = restarts;
        }
        sim.interrupt_requested.store(false, Ordering::SeqCst);
        // The second of the two identical `status` messages every prompt start shows (trace a).
        sim.broadcast_status();
        let interrupt_timer = schedule_interrupt_fault(&sim);
        let outcome = execute(&sim, &item, &mut cache).await;
        if let Some(timer) = interrupt_timer {
            timer.abort();
        }
        cache.keep_only(item.prompt.keys());
        finish(&sim, &item, outcome);
    }
}

/// The `interrupt_after_ms` fault interrupts every prompt that long after it starts.
fn schedule_interrupt_fault(sim: &Arc<Sim>) -> Option<tokio::task::JoinHandle<()>> {
    let after_ms = sim.faults().interrupt_after_ms?;
    let sim = Arc::clone(sim);
    Some(tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(after_ms)).await;
        sim.interrupt_requested.store(true, Ordering::SeqCst);
    }))
}

/// History first, then `status`, then `executing null`: a client that sees the last message
/// finds the entry in /history (PROTOCOL.md, "End of every prompt").
fn finish(sim: &Sim, item: &QueueItem, outcome: Outcome) {
    let still_running = sim
        .queue()
        .running()
        .is_some_and(|running| running.prompt_id == item.prompt_id);
    if still_running {
        let entry = json!({
            "prompt": item.to_json(),
            "outputs": outcome.outputs,
            "status": {
                "status_str": if outcome.succeeded { "success" } else { "error" },
                "completed": outcome.succeeded,
                "messages": outcome.messages,
            },
            "meta": outcome.meta,
        });
        sim.history().insert(item.prompt_id.clone(), entry);
        sim.queue().finish_running();
    }
    sim.set_running_node(None);
    sim.broadcast_status();
    if let Some(client_id) = item.client_id() {
        let done = messages::event("executing", json!({"node": null, "prompt_id": item.prompt_id}));
        sim.hub.send_to_client(client_id, &done);
    }
}
