//! Preflight of the selected profile on the current server, with a Refresh that fetches
//! the server's node list again (after installing models or custom nodes).

use leptos::prelude::*;
use shotline_model::project::ProfileId;

use crate::servers::use_servers;
use crate::workflows::{Preflight, use_workflows};

#[component]
pub fn PreflightResults(profile: ProfileId) -> impl IntoView {
    let workflows = use_workflows();
    let server = use_servers().server;
    // A network boundary: the node list of each server the user points at, once.
    Effect::new(move |_| workflows.load_object_info(&server.get()));
    let result = move || outcome_view(workflows.preflight(&server.get(), &profile));
    let server_name = move || server.with(|server| server.display().to_owned());
    let refresh = move |_| workflows.refresh_object_info(&server.get_untracked());
    view! {
        <section class="preflight" aria-labelledby="preflight-heading">
            <div class="preflight-head">
                <h3 id="preflight-heading">"Preflight on " {server_name}</h3>
                <button type="button" class="quiet" on:click=refresh>"Refresh"</button>
            </div>
            <div role="status" aria-live="polite">{result}</div>
        </section>
    }
}

fn outcome_view(outcome: Preflight) -> AnyView {
    match outcome {
        Preflight::Waiting => view! { <p class="hint">"Reading the server's node list…"</p> }.into_any(),
        Preflight::ServerUnavailable(error) => {
            let reason = error.to_string();
            view! { <p class="problem">"Could not check this workflow: " {reason}</p> }.into_any()
        }
        Preflight::Failed(error) => view! { <p class="problem">{error.to_string()}</p> }.into_any(),
        Preflight::Checked(problems) if problems.is_empty() => {
            let ok = "No problems found: this workflow should run on this server.";
            view! { <p class="preflight-ok">{ok}</p> }.into_any()
        }
        Preflight::Checked(problems) => {
            let items = problems
                .iter()
                .map(|problem| view! { <li>{problem.to_string()}</li> })
                .collect_view();
            view! { <ul class="preflight-problems">{items}</ul> }.into_any()
        }
    }
}
