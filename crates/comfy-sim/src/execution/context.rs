//! What a running node may do besides computing: report progress, send previews, notice
//! an interrupt.

use std::sync::atomic::Ordering;

use serde_json::json;

use crate::messages;
use crate::nodes::{Inputs, NodeError};
use crate::progress::{Preview, ProgressTracker};
use crate::state::Sim;

pub struct NodeContext<'a> {
    pub sim: &'a Sim,
    pub prompt_id: &'a str,
    pub client_id: Option<&'a str>,
    pub node_id: &'a str,
    pub inputs: Inputs,
    pub(super) tracker: &'a mut ProgressTracker,
}

impl NodeContext<'_> {
    /// One step of progress: `progress_state`, then `progress` with its preview, if any.
    pub async fn progress(
        &mut self,
        value: u64,
        max: u64,
        preview: Option<Preview>,
    ) -> Result<(), NodeError> {
        if self.sim.interrupt_requested.load(Ordering::SeqCst) {
            return Err(NodeError::Interrupted);
        }
        self.tracker.step(self.prompt_id, self.node_id, value, max);
        let Some(client_id) = self.client_id else {
            return Ok(());
        };
        let hub = &self.sim.hub;
        hub.send_to_client(
            client_id,
            &messages::event("progress_state", self.tracker.to_json(self.prompt_id)),
        );
        let progress = messages::event(
            "progress",
            json!({"value": value, "max": max, "prompt_id": self.prompt_id, "node": self.node_id}),
        );
        match preview {
            Some(preview) => hub.send_progress_with_preview(
                client_id,
                &progress,
                &preview.frames(self.prompt_id, self.node_id),
            ),
            None => hub.send_to_client(client_id, &progress),
        }
        Ok(())
    }

    /// Sleeps for one simulated step, returning early with an error if the prompt is interrupted.
    pub async fn sleep_ms(&self, duration_ms: u64) -> Result<(), NodeError> {
        tokio::time::sleep(std::time::Duration::from_millis(duration_ms)).await;
        if self.sim.interrupt_requested.load(Ordering::SeqCst) {
            return Err(NodeError::Interrupted);
        }
        Ok(())
    }
}
