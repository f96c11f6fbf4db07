//! A job's state as a person reads it: the state word first, then where it is.

use leptos::prelude::*;
use shotline_model::project::ShotId;
use shotline_model::server_url::ServerUrl;
use shotline_protocol::JobState;
use shotline_protocol::job::{FailureKind, LostReason};
use shotline_protocol::server_report::one_decimal;

use super::generate::ShotGenerator;
use super::manifest::ManifestToggle;
use super::media::TakeMedia;
use crate::components::clock::use_clock;
use crate::generation::{Generation, JobView, use_generation};

/// With no answer from the server for this long, the card says since when.
const SILENCE_SHOWN_AFTER_MS: f64 = 10.0 * 60.0 * 1000.0;

/// `on_retry` generates the shot again from what it says now (a new take), for a take
/// that failed or was cancelled.
#[component]
pub fn JobStatus(prompt_id: String, shot_id: ShotId, on_retry: Callback<()>) -> impl IntoView {
    let generation = use_generation();
    let Some(job) = generation.job(&prompt_id) else {
        return view! { <p class="job-state" role="status">"Draft"</p> }.into_any();
    };
    let details_open = RwSignal::new(false);
    let clock = use_clock();
    let unreachable = unreachable_since(generation, &job.with_untracked(|view| view.server.clone()));
    let resubmit = {
        let prompt_id = prompt_id.clone();
        move |_| {
            generation.resubmit(&prompt_id);
        }
    };
    let generator = ShotGenerator::new();
    let move_error = RwSignal::new(None::<String>);
    let resubmit_elsewhere = {
        let prompt_id = prompt_id.clone();
        move |_| generator.resubmit_elsewhere(prompt_id.clone(), move_error)
    };
    let cancel = {
        let prompt_id = prompt_id.clone();
        move |_| generation.cancel(&prompt_id)
    };
    view! {
        <div class="job">
            <p class="job-state" role="status">
                {move || job.with(|view| state_line(view, clock.now_ms(), unreachable.get()))}
            </p>
            {move || job.with(progress_bar)}
            {move || {
                job.with(|view| view.preview_url.clone())
                    .map(|url| view! { <img class="preview" src=url alt="Live preview of the running shot" /> })
            }}
            {move || job.with(|view| matches!(view.state, JobState::Done { .. }))
                .then(|| view! { <TakeMedia job shot_id=shot_id.clone() /> })}
            {move || job.with(failure_details).map(|details| view! {
                <button type="button" class="quiet" aria-expanded=move || details_open.get().to_string()
                    on:click=move |_| details_open.update(|open| *open = !*open)>
                    "Details"
                </button>
                <Show when=move || details_open.get()>
                    <pre class="details">{details.clone()}</pre>
                </Show>
            })}
            <ul class="notices">
                {move || job.with(|view| view.notices.clone()).into_iter().map(|notice| view! { <li>{notice}</li> }).collect_view()}
            </ul>
            <div class="job-actions">
                // Fetching outputs: the run is over and its files exist, so there is
                // nothing to cancel; the fetch ends Done or Failed within its retries.
                <Show when=move || job.with(|view| {
                    !view.is_finished() && !matches!(view.state, JobState::FetchingOutputs { .. })
                })>
                    <button type="button" on:click=cancel.clone()>"Cancel"</button>
                </Show>
                <Show when=move || job.with(|view| matches!(view.state, JobState::Lost { .. }))>
                    <button type="button" on:click=resubmit.clone()>"Resubmit"</button>
                </Show>
                <Show when=move || job.with(|view| matches!(view.state, JobState::Failed { .. } | JobState::Cancelled))>
                    <button type="button" on:click=move |_| on_retry.run(())>"Retry"</button>
                </Show>
                <Show when=move || {
                    generator.in_pool() && job.with(|view| server_gone(view, unreachable.get().is_some()))
                }>
                    <button type="button" on:click=resubmit_elsewhere.clone()>"Resubmit on another server"</button>
                </Show>
                <ManifestToggle prompt_id=prompt_id.clone() />
            </div>
            <p class="field-error" role="alert">{move || move_error.get()}</p>
        </div>
    }
    .into_any()
}

/// Since when the job's server has been unreachable (see [`crate::generation::SocketStatus::unreachable_since`]).
fn unreachable_since(generation: Generation, server: &ServerUrl) -> Signal<Option<f64>> {
    let status = generation.server_status(server);
    Signal::derive(move || status.and_then(|status| status.with(|status| status.unreachable_since)))
}

/// "Queued — position 2 on http://…, 3 ahead", "Running on http://… — KSampler, step 4/20, 35%", …
/// `unreachable_since`: when its server stopped answering, if it has.
fn state_line(view: &JobView, now_ms: f64, unreachable_since: Option<f64>) -> String {
    let server = view.server.display();
    // Running and Done lines are long already: the host alone says which server.
    let host = server
        .strip_prefix("http://")
        .or_else(|| server.strip_prefix("https://"))
        .unwrap_or(server);
    let silent = now_ms - view.last_contact_ms > SILENCE_SHOWN_AFTER_MS;
    let since = unreachable_since.or(silent.then_some(view.last_contact_ms));
    let unreachable = since.filter(|_| !view.is_finished()).map(|since| {
        let since = js_sys::Date::new(&since.into());
        format!(
            " — server unreachable since {:02}:{:02}:{:02}",
            since.get_hours(),
            since.get_minutes(),
            since.get_seconds()
        )
    });
    let line = match &view.state {
        JobState::Submitting => format!("Submitting to {server}"),
        JobState::Queued { place: Some(place) } => format!(
            "Queued — position {} on {server}, {} ahead",
            place.position, place.ahead
        ),
        JobState::Queued { place: None } => format!("Queued on {server}"),
        JobState::Running(run) => {
            let node = run
                .node_title
                .clone()
                .or_else(|| run.node.clone())
                .unwrap_or_else(|| "starting".into());
            let step = match (run.step, run.max) {
                (Some(step), Some(max)) => format!(", step {step}/{max}"),
                _ => String::new(),
            };
            let eta = run
                .eta_ms
                .map(|ms| format!(", about {} s left", ms.div_ceil(1000)))
                .unwrap_or_default();
            format!("Running on {host} — {node}{step}, {}%{eta}", run.overall_pct)
        }
        JobState::FetchingOutputs { .. } => "Fetching outputs".into(),
        JobState::Done { .. } => {
            let took = view
                .finished_ms
                .map(|end| format!(" in {} s", one_decimal((end - view.created_ms) / 1000.0)));
            let note = view.state.outputs_note().map(|note| format!(" — {note}"));
            format!(
                "Done{} on {host}{}",
                took.unwrap_or_default(),
                note.unwrap_or_default()
            )
        }
        JobState::Failed {
            node,
            class,
            message,
            kind,
        } => failed_line(node.as_deref(), class.as_deref(), message, *kind),
        JobState::Cancelled => "Cancelled".into(),
        JobState::Lost {
            reason: LostReason::ServerRestarted,
        } => "Lost — the server restarted and forgot this shot. Resubmit to run it again.".into(),
        JobState::Lost {
            reason: LostReason::Vanished,
        } => {
            "Lost — the server no longer knows this shot (its queue was cleared?). Resubmit to run it again."
                .into()
        }
        JobState::Lost {
            reason: LostReason::ServerUnreachable,
        } => "Lost — its server stopped answering, so this run went to another server.".into(),
        JobState::Lost {
            reason: LostReason::SubmitInterrupted,
        } => "Lost — the submission was interrupted by a reload and never reached ComfyUI. Resubmit to \
              run it again."
            .into(),
        JobState::Lost {
            reason: LostReason::HistoryCleared,
        } => "Lost — ComfyUI's history of this shot was cleared before its outputs were read. \
              Resubmit to run it again."
            .into(),
    };
    line + &unreachable.unwrap_or_default()
}

/// The job's server lost it, never got it, or cannot be reached while it is unfinished:
/// worth moving to another server.
fn server_gone(view: &JobView, server_unreachable: bool) -> bool {
    (server_unreachable && !view.is_finished())
        || matches!(
            view.state,
            JobState::Lost { .. }
                | JobState::Failed {
                    kind: FailureKind::SubmitRefused { status: 0 },
                    ..
                }
        )
}

fn failed_line(node: Option<&str>, class: Option<&str>, message: &str, kind: FailureKind) -> String {
    let first_line = message.lines().next().unwrap_or(message);
    if kind == FailureKind::KeyframeMissing {
        let problem = first_line
            .rsplit_once(" - ")
            .map_or(first_line, |(_, problem)| problem);
        return format!(
            "Failed — the server cannot find the shot's keyframe even though Shotline uploaded it \
             again just now ({problem}). Its uploads may go to another ComfyUI at this address, or \
             its input folder may be emptied as files arrive: check its input folder and address, \
             then Retry."
        );
    }
    let place = match (node, class) {
        (Some(node), Some(class)) => format!(" in node {node} ({class})"),
        (Some(node), None) => format!(" in node {node}"),
        _ => String::new(),
    };
    let what = match kind {
        FailureKind::Validation => "ComfyUI rejected the workflow",
        // Status 0: no answer came back, so the server never saw the prompt.
        FailureKind::SubmitRefused { status: 0 } => "the submission did not reach ComfyUI",
        FailureKind::SubmitRefused { .. } => "ComfyUI refused the submission",
        FailureKind::Execution => "the run failed",
        FailureKind::Interrupted => "the run was interrupted on the server",
        FailureKind::OutputsUnavailable => "the outputs could not be fetched",
        FailureKind::KeyframeMissing => "the server has no file for the shot's keyframe",
        FailureKind::VerdictUnreadable => "ComfyUI's record of the run could not be read",
    };
    let advice = match kind {
        FailureKind::OutputsUnavailable => {
            " — the files should still be in ComfyUI's output folder; Retry runs the shot again."
        }
        FailureKind::VerdictUnreadable => {
            " — check that the server's address leads to ComfyUI itself; Retry runs the shot again."
        }
        _ => "",
    };
    format!("Failed — {what}{place}: {first_line}{advice}")
}

fn failure_details(view: &JobView) -> Option<String> {
    match &view.state {
        JobState::Failed { message, .. } if message.lines().count() > 1 || message.len() > 120 => {
            Some(message.clone())
        }
        _ => None,
    }
}

fn progress_bar(view: &JobView) -> Option<impl IntoView + use<>> {
    let JobState::Running(run) = &view.state else {
        return None;
    };
    let pct = run.overall_pct;
    Some(view! {
        <div class="progress" role="progressbar" aria-label="Overall progress" aria-valuemin="0"
            aria-valuemax="100" aria-valuenow=pct.to_string()>
            <div class="progress-fill" style=format!("width: {pct}%")></div>
        </div>
    })
}
