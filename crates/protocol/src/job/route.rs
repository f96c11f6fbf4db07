//! Which job a socket message or binary frame belongs to.

use super::{Job, JobState};
use crate::frame::Frame;
use crate::ws::ServerMessage;

/// The prompt a message is about: the id it names or, for a per-prompt message that
/// names none, `running` (this client's running prompt). After a reconnect the server
/// replays `executing {"node": "2"}` without prompt id (trace i); old servers send
/// `progress` without one. Broadcasts belong to no prompt.
pub fn attribute_message<'a>(message: &'a ServerMessage, running: Option<&'a str>) -> Option<&'a str> {
    match message.prompt_id() {
        Some(prompt_id) => Some(prompt_id),
        None if message.is_about_a_prompt() => running,
        None => None,
    }
}

/// The prompt a binary frame belongs to: type 4 names it; a type-1 preview goes only to
/// the submitting client, so it is the running prompt's; type-3 text is broadcast to
/// every client and may be anyone's.
pub fn attribute_frame<'a>(frame: &'a Frame<'_>, running: Option<&'a str>) -> Option<&'a str> {
    match frame {
        Frame::PreviewImageWithMetadata { .. } => frame.prompt_id(),
        Frame::PreviewImage { .. } => running,
        Frame::Text { .. } => None,
    }
}

/// This client's running prompt among its jobs on one server. A server runs one prompt
/// at a time, so several Running jobs mean some are stale: then no guess is made.
pub fn running_prompt<'a>(jobs: impl IntoIterator<Item = &'a Job>) -> Option<&'a str> {
    let mut running = jobs
        .into_iter()
        .filter(|job| matches!(job.state(), JobState::Running(_)));
    let first = running.next()?;
    running.next().is_none().then(|| first.prompt_id())
}
