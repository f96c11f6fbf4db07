//! What a job is fed, and what the caller must do in return.

use crate::http::{HistoryEntry, PromptRejected, QueueSnapshot};
use crate::media::OutputFile;
use crate::ws::ServerMessage;

#[derive(Debug, Clone, Copy)]
pub enum JobEvent<'a> {
    /// `POST /prompt` answered 200.
    SubmitAccepted,
    /// `POST /prompt` answered 400 with a validation body.
    SubmitRejected(&'a PromptRejected),
    /// `POST /prompt` answered 400 because node `node` has no file for the uploaded
    /// keyframe, after it was uploaded again for this very submission.
    KeyframeRejected {
        rejected: &'a PromptRejected,
        node: &'a str,
    },
    /// `POST /prompt` answered another error status; `body` is shown to the user.
    SubmitFailed {
        status: u16,
        body: &'a str,
    },
    /// `POST /prompt` got no answer (network error, timeout): it may or may not have
    /// reached the server. `queue` and `history` are what the server said right after
    /// (`None` when it could not be asked, or history was `{}`); `error` is shown if the
    /// prompt is in neither.
    SubmitUnanswered {
        queue: Option<&'a QueueSnapshot>,
        history: Option<&'a HistoryEntry>,
        error: &'a str,
    },
    /// The job was read back from storage after a reload, or from a tab that is closed:
    /// a POST it waited on can no longer answer this page, and a download of its outputs
    /// was cut off. (A job another open tab is still submitting is not restored: that
    /// tab's POST may answer yet.)
    Restored,
    /// A socket message for this job (see [`super::attribute_message`]).
    Message(&'a ServerMessage),
    Queue(&'a QueueSnapshot),
    /// `GET /history/{prompt_id}`: `None` when the body was `{}`.
    History(Option<&'a HistoryEntry>),
    /// `GET /history/{prompt_id}` answered something that is not ComfyUI's JSON, or an
    /// error status that asking again will not change.
    HistoryUnreadable {
        reason: &'a str,
    },
    CancelRequested,
    /// Every file of `FetchingOutputs` was fetched and stored.
    OutputsFetched,
    /// Fetching the files failed for good (after the caller's retries).
    OutputsUnavailable {
        reason: &'a str,
    },
    /// The person moved the job to another server while its own could not be reached:
    /// this one's outcome will never be known here.
    GivenUp,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    /// The run ended: `GET /history/{prompt_id}` decides how.
    FetchHistory,
    /// History is still `{}` although the run ended (its write can trail the socket):
    /// ask again after a backoff. The job counts these looks and ends Lost
    /// ([`super::LostReason::HistoryCleared`]) after a bounded number; the caller keeps
    /// at most one retry pending per job.
    RetryHistoryLater,
    /// Fetch these files from `/view`, then feed [`JobEvent::OutputsFetched`].
    FetchOutputs(Vec<OutputFile>),
    /// `POST /queue {"delete": [prompt_id]}`.
    DeleteFromQueue,
    /// `POST /interrupt {"prompt_id": prompt_id}` (or the jobs cancel route).
    Interrupt,
}
