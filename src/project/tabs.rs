//! Other tabs of the same browser: each save is announced on a BroadcastChannel, so a tab
//! with the same project open learns at once that its copy is stale, before it tries to
//! save (the revision check in storage catches the race this misses).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shotline_model::project::ProjectId;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BroadcastChannel, MessageEvent};

use super::handle::ProjectData;
use super::save::CONFLICT_MESSAGE;

const CHANNEL_NAME: &str = "shotline-projects";

/// The channel and the listener it calls; the listener lives as long as the channel.
pub(super) struct TabChannel {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    project: ProjectId,
    revision: u64,
}

impl ProjectData {
    /// Without BroadcastChannel (old browsers) only the revision check remains.
    pub(super) fn listen_to_other_tabs(&self) {
        let Ok(channel) = BroadcastChannel::new(CHANNEL_NAME) else {
            return;
        };
        let data = *self;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(saved) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Saved>(&text).ok())
            else {
                return;
            };
            let is_open = data
                .history
                .with_untracked(|h| h.as_ref().is_some_and(|h| h.project().id == saved.project));
            if is_open && saved.revision > data.revision.get_value() {
                data.conflict.set(Some(CONFLICT_MESSAGE.to_owned()));
            }
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.tabs.set_value(Some(TabChannel {
            channel,
            _on_message: on_message,
        }));
        let tabs = self.tabs;
        on_cleanup(move || {
            tabs.try_with_value(|tabs| tabs.as_ref().map(|tabs| tabs.channel.close()));
        });
    }

    pub(super) fn announce_save(&self, project: &ProjectId, revision: u64) {
        let message = Saved {
            project: project.clone(),
            revision,
        };
        let Ok(text) = serde_json::to_string(&message) else {
            return;
        };
        self.tabs.with_value(|tabs| {
            if let Some(tabs) = tabs {
                // A tab that cannot announce still has the revision check.
                let _ = tabs.channel.post_message(&text.into());
            }
        });
    }
}
