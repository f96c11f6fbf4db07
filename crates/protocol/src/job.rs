//! The job state machine: one submitted prompt, from POST to a definite end.
//!
//! Pure reducers fold every input (POST answer, socket message, queue snapshot, history
//! entry, user action) into a [`Job`] and return the [`Effect`] the caller must perform.
//! History wins over socket guesses, and a finished job ignores late or duplicate input.

mod event;
mod outcome;
mod progress;
mod queue_position;
mod reconcile;
mod reduce;
mod route;
mod socket;
mod state;

pub use event::{Effect, JobEvent};
pub use queue_position::{QueueLookup, queue_position};
pub use reconcile::{
    EMPTY_HISTORY_LOOKS_BEFORE_LOST, MISSING_RECONCILES_BEFORE_LOST, UNREADABLE_HISTORY_BEFORE_FAILED,
    reconcile_job,
};
pub use reduce::apply;
pub use route::{attribute_frame, attribute_message, running_prompt};
pub use state::{CancelRequest, FailureKind, JobState, LostReason, QueuePlace, RunProgress};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::http::{ApiPrompt, NotShown};
use progress::ProgressTracker;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    prompt_id: String,
    /// Node id → what the user calls it (`_meta.title`, else the class).
    node_titles: BTreeMap<String, String>,
    state: JobState,
    cancel: Option<CancelRequest>,
    /// The socket reported the end of the run: history has been asked for.
    run_ended: bool,
    progress: ProgressTracker,
    /// Reconciliations in a row that found the prompt in neither queue nor history.
    missing_reconciles: u32,
    /// Outputs of the finished run that are not fetched, for the Done state.
    #[serde(default)]
    not_shown: NotShown,
    /// Submitting, but the POST was sent by a page that is gone (a reload): its answer
    /// never comes here, so queue and history alone judge the job.
    #[serde(default)]
    submit_orphaned: bool,
    /// Looks at history that found `{}` after the run had ended.
    #[serde(default)]
    empty_history_looks: u32,
    /// History answers for this prompt that were not ComfyUI's JSON.
    #[serde(default)]
    unreadable_history: u32,
}

impl Job {
    /// A job about to be POSTed: create (and persist) it before sending, since events
    /// can beat the HTTP answer.
    pub fn new(prompt_id: impl Into<String>, prompt: &ApiPrompt) -> Self {
        // Inserted one by one: `collect` would sort first, and that sort costs the app
        // bundle about 3.5 KB for this one element type.
        let mut node_titles = BTreeMap::new();
        node_titles.extend(
            prompt
                .iter()
                .map(|(id, node)| (id.clone(), node.title().to_owned())),
        );
        Self {
            prompt_id: prompt_id.into(),
            progress: ProgressTracker::new(node_titles.len()),
            node_titles,
            state: JobState::Submitting,
            cancel: None,
            run_ended: false,
            missing_reconciles: 0,
            not_shown: NotShown::default(),
            submit_orphaned: false,
            empty_history_looks: 0,
            unreadable_history: 0,
        }
    }

    pub fn prompt_id(&self) -> &str {
        &self.prompt_id
    }

    pub fn state(&self) -> &JobState {
        &self.state
    }

    pub fn is_terminal(&self) -> bool {
        self.state.is_terminal()
    }

    /// Queue or history may still say how it ends: worth reconciling. False for a job
    /// that is finished or only fetching its outputs.
    pub fn awaits_verdict(&self) -> bool {
        self.state.awaits_verdict()
    }

    /// A Submitting job whose POST can no longer answer this page (see
    /// [`JobEvent::Restored`]): the reconciler judges it like an accepted one.
    pub fn submit_orphaned(&self) -> bool {
        self.submit_orphaned
    }

    pub fn cancel_requested(&self) -> Option<CancelRequest> {
        self.cancel
    }

    /// The user-facing name of a node of this job's workflow.
    pub fn node_title(&self, node_id: &str) -> Option<&str> {
        self.node_titles.get(node_id).map(String::as_str)
    }
}
