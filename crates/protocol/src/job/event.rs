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
    /// A socket message for this job (see [`super::attribute_message`]).
    Message(&'a ServerMessage),
    Queue(&'a QueueSnapshot),
    /// `GET /history/{prompt_id}`: `None` when the body was `{}`.
    History(Option<&'a HistoryEntry>),
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
    /// ask again after a backoff.
    RetryHistoryLater,
    /// Fetch these files from `/view`, then feed [`JobEvent::OutputsFetched`].
    FetchOutputs(Vec<OutputFile>),
    /// `POST /queue {"delete": [prompt_id]}`.
    DeleteFromQueue,
    /// `POST /interrupt {"prompt_id": prompt_id}` (or the jobs cancel route).
    Interrupt,
}
