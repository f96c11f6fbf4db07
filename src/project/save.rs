//! Debounced, batched saves of what changed, with the numbers a benchmark needs.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use shotline_model::project::Change;
use wasm_bindgen_futures::spawn_local;

use super::error::ProjectError;
use super::handle::ProjectData;
use crate::storage::StorageError;

/// Quiet time after the last edit before saving: typing a prompt becomes one write.
pub const SAVE_DEBOUNCE_MS: u32 = 300;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SaveStats {
    pub saves: u32,
    pub bytes_written_total: u64,
    pub last_save_bytes: u64,
    /// Wall time of the last save's IndexedDB transaction.
    pub last_save_duration_ms: f64,
}

/// Edits waiting for the debounce timer.
#[derive(Default)]
pub(super) struct Saver {
    pending: Change,
    /// Dropping it cancels it, so replacing it restarts the quiet period.
    timer: Option<Timeout>,
    /// A save is being written. Two overlapping saves would both claim the same revision
    /// and the second would be refused as if another tab had written: saves take turns.
    in_flight: bool,
}

/// How often a save waiting for its turn looks again.
const SAVE_TURN_POLL_MS: u32 = 10;

impl ProjectData {
    pub(super) fn schedule_save(&self, change: Change) {
        if self.storage.is_none() || change.is_empty() {
            return;
        }
        let data = *self;
        self.unsaved.set(true);
        self.saver.update_value(|saver| {
            saver.pending.merge(change);
            saver.timer = Some(Timeout::new(SAVE_DEBOUNCE_MS, move || {
                spawn_local(async move {
                    if let Err(error) = data.flush().await {
                        data.report(error);
                    }
                });
            }));
        });
    }

    /// Saves pending edits now (before opening another project, exporting, in tests).
    /// After a conflict nothing is saved until the project is reopened.
    pub async fn flush(&self) -> Result<(), ProjectError> {
        let Some(storage) = self.storage else {
            return Ok(());
        };
        if self.conflict.get_untracked().is_some() {
            return Ok(());
        }
        while self.saver.try_with_value(|saver| saver.in_flight) == Some(true) {
            gloo_timers::future::TimeoutFuture::new(SAVE_TURN_POLL_MS).await;
        }
        let change = self.saver.try_update_value(|saver| {
            saver.timer = None;
            std::mem::take(&mut saver.pending)
        });
        let Some(change) = change.filter(|change| !change.is_empty()) else {
            return Ok(());
        };
        self.saver.update_value(|saver| saver.in_flight = true);
        let result = self.write(storage, change).await;
        self.saver.update_value(|saver| saver.in_flight = false);
        result
    }

    async fn write(&self, storage: crate::storage::Storage, change: Change) -> Result<(), ProjectError> {
        let Some(project) = self
            .history
            .with_untracked(|h| h.as_ref().map(|h| h.project().clone()))
        else {
            return Ok(());
        };
        let started_ms = now_ms();
        let expected = self.revision.get_value();
        match storage.save_project_changes(&project, &change, expected).await {
            Ok(receipt) => {
                self.revision.set_value(receipt.revision);
                self.stats.update(|stats| {
                    stats.saves += 1;
                    stats.bytes_written_total += receipt.bytes_written;
                    stats.last_save_bytes = receipt.bytes_written;
                    stats.last_save_duration_ms = now_ms() - started_ms;
                });
                self.announce_save(&project.id, receipt.revision);
                let nothing_left = self
                    .saver
                    .with_value(|saver| saver.pending.is_empty() && saver.timer.is_none());
                if nothing_left {
                    self.unsaved.set(false);
                }
                Ok(())
            }
            Err(error) => {
                // Kept for the next attempt: after a full disk is cleared, or a reopen.
                self.saver.update_value(|saver| saver.pending.merge(change));
                if matches!(error, StorageError::Conflict { .. }) {
                    self.conflict.set(Some(CONFLICT_MESSAGE.to_owned()));
                }
                Err(error.into())
            }
        }
    }
}

pub(super) const CONFLICT_MESSAGE: &str = "This project was changed in another tab. Edits made here are not \
     saved any more: reopen the project to continue from the other tab's version, or export it first to keep \
     this one.";

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}
