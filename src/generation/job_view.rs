//! What views read about a job: a plain value per job, replaced on every change.

use std::sync::Arc;

use shotline_model::server_url::ServerUrl;
use shotline_protocol::{JobState, MediaKind};

#[derive(Debug, Clone, PartialEq)]
pub struct JobView {
    pub prompt_id: String,
    pub project_id: String,
    pub shot_id: String,
    pub server: ServerUrl,
    /// The workflow profile it ran, so a move to another server checks the right one.
    pub profile_id: Option<String>,
    pub attempt: u32,
    /// The seed it was sent with, when its workflow has one.
    pub seed: Option<u64>,
    pub state: JobState,
    pub outputs: Vec<OutputMedia>,
    /// Object URL of the latest preview frame while running; `None` otherwise.
    pub preview_url: Option<String>,
    pub created_ms: f64,
    pub finished_ms: Option<f64>,
    /// Last time the server answered anything about this job's server.
    pub last_contact_ms: f64,
    /// Something the person should know that does not change the state, e.g. media that
    /// could not be saved, or node errors ComfyUI reported on an accepted prompt.
    pub notices: Vec<String>,
}

/// One output file, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputMedia {
    pub file_name: String,
    pub kind: MediaKind,
    pub mime: &'static str,
    /// `data:` URL; shared, because views clone `JobView` on every update.
    pub data_url: Arc<str>,
    /// Id in the media store, or `None` when it could not be saved (quota).
    pub media_id: Option<String>,
}

impl JobView {
    pub fn is_finished(&self) -> bool {
        self.state.is_terminal()
    }
}
