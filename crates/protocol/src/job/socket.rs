//! Socket messages folded into a job.

use super::{CancelRequest, Effect, Job, JobState};
use crate::ws::ServerMessage;

pub(super) fn apply_message(job: &mut Job, message: &ServerMessage, now_ms: u64) -> Effect {
    // A message naming another prompt is not this job's, whatever the caller routed.
    if message.prompt_id().is_some_and(|id| id != job.prompt_id) {
        return Effect::None;
    }
    match message {
        ServerMessage::ExecutionStart(_) => running(job),
        ServerMessage::ExecutionCached(cached) => {
            job.progress.cached(&cached.nodes);
            running(job)
        }
        ServerMessage::Executing(executing) => match &executing.node {
            Some(node) => {
                job.progress.executing(node, executing.display_node.as_deref());
                running(job)
            }
            // `executing null` ends every run, whatever its outcome (26 times in the traces).
            None => run_ended(job, true),
        },
        ServerMessage::Progress(progress) => {
            job.progress
                .step(progress.node.as_deref(), progress.value, progress.max, now_ms);
            running(job)
        }
        ServerMessage::ProgressState(state) => {
            job.progress.node_states(state);
            running(job)
        }
        ServerMessage::Executed(executed) => {
            job.progress.finished(&executed.node);
            running(job)
        }
        ServerMessage::ExecutionSuccess(_) => run_ended(job, true),
        // The socket's word on a failure is a guess until history confirms it.
        ServerMessage::ExecutionError(_) | ServerMessage::ExecutionInterrupted(_) => run_ended(job, false),
        ServerMessage::Status(_) | ServerMessage::FeatureFlags(_) | ServerMessage::Unknown { .. } => {
            Effect::None
        }
    }
}

/// The job is running on the server: show its progress. A delete that came too late to
/// catch the prompt pending becomes an interrupt.
pub(super) fn running(job: &mut Job) -> Effect {
    if job.run_ended {
        return Effect::None;
    }
    let was_waiting = matches!(job.state, JobState::Submitting | JobState::Queued { .. });
    if !was_waiting && !matches!(job.state, JobState::Running(_)) {
        return Effect::None;
    }
    job.state = JobState::Running(job.progress.snapshot(&job.node_titles));
    if was_waiting && job.cancel == Some(CancelRequest::DeleteFromQueue) {
        job.cancel = Some(CancelRequest::Interrupt);
        return Effect::Interrupt;
    }
    Effect::None
}

/// The run is over on the server; history decides how it ended. Only the first end
/// signal asks for history: `execution_success` is followed by `executing null`.
fn run_ended(job: &mut Job, succeeded: bool) -> Effect {
    if job.run_ended || !job.state.awaits_verdict() {
        return Effect::None;
    }
    job.run_ended = true;
    if succeeded {
        job.state = JobState::FetchingOutputs { outputs: None };
    }
    Effect::FetchHistory
}
