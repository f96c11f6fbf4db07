//! Every recording goes through the job state machine; none leaves a job stuck.

mod support;

use shotline_protocol::{Effect, JobState};
use support::all_traces;
use support::replay::Replay;

/// The traces that get no prompt queued (k only POSTs refused ones): their bodies are
/// checked by `trace_http_bodies`.
const WITHOUT_PROMPTS: [&str; 3] = ["k_origin_403.json", "l_upload.json", "m_misc.json"];

#[test]
fn every_recorded_job_ends_settled_or_waiting_on_a_request_it_made() {
    for (name, trace) in all_traces() {
        let replay = Replay::run(&trace);
        assert_eq!(
            replay.jobs.is_empty(),
            WITHOUT_PROMPTS.contains(&name.as_str()),
            "{name}"
        );
        for (id, job) in &replay.jobs {
            let settled = job.is_terminal() || matches!(job.state(), JobState::FetchingOutputs { .. });
            let waiting_on_history = replay.effects_of(id).last() == Some(&Effect::FetchHistory);
            assert!(
                settled || waiting_on_history,
                "{name}: {id} stuck in {:?}",
                job.state()
            );
        }
    }
}
