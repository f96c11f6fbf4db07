//! Tabs talk about the render queue over one BroadcastChannel: the tab that runs a
//! project's queue hears the others' clicks and tells them when it wrote a change.
//! Messages are JSON; anything else on the channel is ignored.

use serde::{Deserialize, Serialize};
use shotline_model::project::ProjectId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{BroadcastChannel, MessageEvent};

use super::{RenderQueueHandle, runner};

const CHANNEL: &str = "shotline.render-queue";

/// A click on the render queue, as sent to the tab that runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    EnqueueAll,
    EnqueueScene { scene: String },
    EnqueueShot { shot: String, takes: u8 },
    Pause,
    Resume,
    Stop,
    MoveToFront { entry: String },
    Remove { entry: String },
    Dismiss,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Message {
    /// For the tab that runs `project`'s queue.
    Command { project: String, command: Command },
    /// The queue of `project` changed in storage: read it again.
    Changed { project: String },
}

fn channel() -> Option<BroadcastChannel> {
    BroadcastChannel::new(CHANNEL).ok()
}

fn send(message: &Message) -> bool {
    let (Some(channel), Ok(text)) = (channel(), serde_json::to_string(message)) else {
        return false;
    };
    let sent = channel.post_message(&text.into()).is_ok();
    channel.close();
    sent
}

/// Hands `command` to the tab that runs `project`'s queue.
pub(super) fn post(project: &ProjectId, command: &Command) -> bool {
    send(&Message::Command {
        project: project.as_str().to_owned(),
        command: command.clone(),
    })
}

/// Tells the other tabs that `project`'s stored queue changed.
pub(super) fn announce_change(project: &ProjectId) {
    send(&Message::Changed {
        project: project.as_str().to_owned(),
    });
}

/// Listens for the page's lifetime: commands run when this tab runs that project's
/// queue; change notices make a following tab read the queue again.
pub(super) fn listen(handle: RenderQueueHandle) {
    let Some(channel) = channel() else { return };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        let Ok(message) = serde_json::from_str::<Message>(&text) else {
            return;
        };
        let open = handle.deps.data.project_id();
        match message {
            Message::Command { project, command } => {
                if open.as_ref().is_some_and(|open| open.as_str() == project)
                    && handle.with_shared(|shared| shared.runs_here)
                {
                    runner::apply_command(handle, &command);
                    handle.bump();
                }
            }
            Message::Changed { project } => {
                if open.as_ref().is_some_and(|open| open.as_str() == project) {
                    runner::refresh_soon(handle);
                }
            }
        }
    });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both live as long as the page: one channel and one listener per app.
    on_message.forget();
    std::mem::forget(channel);
}
