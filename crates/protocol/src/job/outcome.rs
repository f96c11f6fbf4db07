//! Final verdicts: a history entry, or a refused POST, turned into the job's end state.

use super::{Effect, FailureKind, Job, JobState};
use crate::http::{HistoryEntry, PromptRejected, RunOutputs, RunVerdict};

/// Long server bodies (an HTML 413 page, a traceback) are cut to this for display.
const MAX_FAILURE_MESSAGE_CHARS: usize = 2000;

/// The history entry is the verdict: success fetches the outputs, an interrupt this app
/// asked for is Cancelled, anything else Failed.
pub(super) fn apply_history(job: &mut Job, entry: &HistoryEntry) -> Effect {
    if !job.state.awaits_verdict() {
        return Effect::None;
    }
    job.run_ended = true;
    match entry.verdict() {
        RunVerdict::Success => {
            let RunOutputs {
                files: outputs,
                not_shown,
            } = entry.run_outputs();
            if outputs.is_empty() {
                // Nothing to fetch: texts, 3D models, or nothing at all (trace j's
                // SaveImageWebsocket sent its image over the socket only).
                job.state = JobState::Done { outputs, not_shown };
                return Effect::None;
            }
            job.not_shown = not_shown;
            job.state = JobState::FetchingOutputs {
                outputs: Some(outputs.clone()),
            };
            Effect::FetchOutputs(outputs)
        }
        RunVerdict::Interrupted(_) if job.cancel.is_some() => {
            job.state = JobState::Cancelled;
            Effect::None
        }
        RunVerdict::Interrupted(stop) => {
            let (node, class) = stop.map_or((None, None), |stop| (stop.node_id, stop.node_type));
            job.state = JobState::Failed {
                node,
                class,
                message: "interrupted".to_owned(),
                kind: FailureKind::Interrupted,
            };
            Effect::None
        }
        RunVerdict::Error(error) => {
            job.state = match error {
                Some(error) => JobState::Failed {
                    message: non_empty(error.exception_message.trim(), &error.exception_type),
                    node: Some(error.node_id),
                    class: Some(error.node_type),
                    kind: FailureKind::Execution,
                },
                None => JobState::Failed {
                    node: None,
                    class: None,
                    message: "the server recorded an error without details".to_owned(),
                    kind: FailureKind::Execution,
                },
            };
            Effect::None
        }
    }
}

/// A 400: the node at fault is named by `node_errors`, or for an unknown class by the
/// top-level error (node_errors is `{}` then, trace c).
pub(super) fn validation_failure(rejected: &PromptRejected) -> JobState {
    let error = &rejected.error;
    if let Some(missing) = error.missing_node() {
        return JobState::Failed {
            node: missing.node_id,
            class: missing.class_type,
            message: error.message.clone(),
            kind: FailureKind::Validation,
        };
    }
    let culprit = rejected.node_errors.iter().next();
    let message = culprit.and_then(|(_, node)| node.errors.first()).map_or_else(
        || with_details(&error.message, &error.details),
        |first| with_details(&first.message, &first.details),
    );
    JobState::Failed {
        node: culprit.map(|(id, _)| id.clone()),
        class: culprit.map(|(_, node)| node.class_type.clone()),
        message,
        kind: FailureKind::Validation,
    }
}

/// A 400 naming the keyframe input of `node`: its error is the message, whichever node
/// the server listed first.
pub(super) fn keyframe_failure(rejected: &PromptRejected, node: &str) -> JobState {
    let culprit = rejected.node_errors.get(node);
    let message = culprit.and_then(|culprit| culprit.errors.first()).map_or_else(
        || with_details(&rejected.error.message, &rejected.error.details),
        |first| with_details(&first.message, &first.details),
    );
    JobState::Failed {
        node: Some(node.to_owned()),
        class: culprit.map(|culprit| culprit.class_type.clone()),
        message,
        kind: FailureKind::KeyframeMissing,
    }
}

pub(super) fn refused_failure(status: u16, body: &str) -> JobState {
    let body: String = body.trim().chars().take(MAX_FAILURE_MESSAGE_CHARS).collect();
    JobState::Failed {
        node: None,
        class: None,
        message: non_empty(&body, &format!("HTTP {status}")),
        kind: FailureKind::SubmitRefused { status },
    }
}

fn with_details(message: &str, details: &str) -> String {
    if details.is_empty() || details == message {
        message.to_owned()
    } else {
        format!("{message}: {details}")
    }
}

fn non_empty(text: &str, fallback: &str) -> String {
    if text.is_empty() { fallback } else { text }.to_owned()
}
