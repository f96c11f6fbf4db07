//! Where a job is, as the user sees it. Plain serde data so the app can persist it.

use serde::{Deserialize, Serialize};

use crate::http::NotShown;
use crate::media::OutputFile;

/// What a Done take with nothing at all says. A run can succeed without outputs: a
/// SaveImageWebsocket image only went over the socket (trace j), and a history entry
/// without `outputs` still carries a success verdict.
const NO_OUTPUTS: &str = "no outputs: ComfyUI kept no files or texts for this run";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobState {
    /// The POST is on its way; events may still arrive before its answer (trace c).
    Submitting,
    /// Accepted and waiting. `place` is unknown until a queue snapshot was seen.
    Queued {
        place: Option<QueuePlace>,
    },
    Running(RunProgress),
    /// The server finished the run. `outputs` is `None` while its history entry is still
    /// being asked for, then the files being fetched from `/view`.
    FetchingOutputs {
        outputs: Option<Vec<OutputFile>>,
    },
    /// `outputs` are the media files shown; `not_shown` what the run also made (texts,
    /// 3D models, other files). Both empty: ComfyUI kept no outputs for the run.
    Done {
        outputs: Vec<OutputFile>,
        #[serde(default, skip_serializing_if = "NotShown::is_empty")]
        not_shown: NotShown,
    },
    Failed {
        node: Option<String>,
        class: Option<String>,
        message: String,
        kind: FailureKind,
    },
    /// The server confirmed a cancel this app asked for.
    Cancelled,
    Lost {
        reason: LostReason,
    },
}

/// A pending prompt's place: `position` 1 runs next; `ahead` counts every prompt that
/// runs before it, the running one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePlace {
    pub position: usize,
    pub ahead: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunProgress {
    /// The node executing now; `None` before the first one (or in a fully cached run).
    pub node: Option<String>,
    pub node_title: Option<String>,
    pub step: Option<u64>,
    pub max: Option<u64>,
    /// Finished nodes, cached ones included.
    pub nodes_done: usize,
    pub nodes_total: usize,
    /// 0–99 while running: 100 is for Done.
    pub overall_pct: u8,
    /// Time left for the current node's steps, from the pace of its steps so far.
    pub eta_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureKind {
    /// `POST /prompt` answered 400: the workflow does not fit this server.
    Validation,
    /// `POST /prompt` answered another error status (500 with a text body, 413, ...).
    SubmitRefused { status: u16 },
    /// A node raised while running.
    Execution,
    /// Stopped on the server without a cancel from this app (another client's
    /// interrupt, trace e phase 2).
    Interrupted,
    /// The run succeeded but its files could not be fetched.
    OutputsUnavailable,
    /// `POST /prompt` answered 400 because the server has no file for the uploaded
    /// keyframe, and still did after the keyframe was uploaded again.
    KeyframeMissing,
    /// The server's history answer for the run was not ComfyUI's JSON, or an error status
    /// a retry does not change, again and again (a proxy page, a server that is not
    /// ComfyUI): its verdict cannot be read.
    VerdictUnreadable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LostReason {
    /// The server restarted and forgot its queue and history (both live in memory).
    ServerRestarted,
    /// Absent from queue and history while the server kept running: someone cleared the
    /// queue (trace f phase 2) or deleted the history entry.
    Vanished,
    /// Its server stopped answering and the shot was sent to another server instead; a
    /// killed ComfyUI forgets its queue, so this run will not come back.
    ServerUnreachable,
    /// The page reloaded while the POST was on its way, and the server has never shown
    /// the prompt since: the submission did not reach it.
    SubmitInterrupted,
    /// The run ended on the server, but its history entry stayed `{}`: someone cleared
    /// the history (or deleted the entry) before this app read the outputs.
    HistoryCleared,
}

/// How this app asked the server to drop the job; the job is Cancelled only once the
/// server shows it obeyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelRequest {
    DeleteFromQueue,
    Interrupt,
}

impl JobState {
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Done { .. } | Self::Failed { .. } | Self::Cancelled | Self::Lost { .. }
        )
    }

    /// For a Done job, the sentence about what it does not show: outputs of a kind this
    /// app does not play, or that there were none. `None` in any other state, or when
    /// every output is shown.
    pub fn outputs_note(&self) -> Option<String> {
        match self {
            Self::Done { outputs, not_shown } => not_shown
                .sentence()
                .or_else(|| outputs.is_empty().then(|| NO_OUTPUTS.to_owned())),
            _ => None,
        }
    }

    /// Still waiting for the server's verdict: queue or history may say more.
    pub(crate) fn awaits_verdict(&self) -> bool {
        matches!(
            self,
            Self::Submitting
                | Self::Queued { .. }
                | Self::Running(_)
                | Self::FetchingOutputs { outputs: None }
        )
    }
}
