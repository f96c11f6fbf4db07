//! The region "Render queue": what waits, what is on a server, what runs, how long it
//! should take, Pause / Resume / Stop, and per entry Move to front / Remove; once all
//! has ended, what came of it and why anything failed.

use leptos::prelude::*;

use crate::generation::queue::{EntryLine, QueueView, RenderQueueHandle, use_render_queue};

#[component]
pub fn RenderQueuePanel() -> impl IntoView {
    let queue = use_render_queue();
    let view = Memo::new(move |_| queue.view());
    view! {
        <Show when=move || view.with(|view| !view.is_empty())>
            <section class="render-queue" role="region" aria-label="Render queue">
                <header class="render-queue-head">
                    <h2>"Render queue"</h2>
                    <span class="queue-tally">{move || view.with(tally)}</span>
                    <Show when=move || view.with(|view| !view.entries.is_empty())>
                        {move || if view.with(|view| view.paused) {
                            view! { <button type="button" on:click=move |_| queue.resume()>"Resume"</button> }.into_any()
                        } else {
                            view! { <button type="button" on:click=move |_| queue.pause()>"Pause"</button> }.into_any()
                        }}
                        <button type="button" on:click=move |_| queue.stop()
                            title="Drop the shots not on a server yet and cancel the ones waiting in a server's queue; running takes finish">
                            "Stop"
                        </button>
                    </Show>
                </header>
                <Show when=move || view.with(|view| view.runs_elsewhere)>
                    <p class="hint">"Another tab of this browser runs this queue; what you do here is sent to it."</p>
                </Show>
                {move || view.with(|view| view.notice.clone()).map(|notice| view! { <p class="queue-notice" role="alert">{notice}</p> })}
                <ol class="queue-entries">
                    <For each=move || view.with(|view| view.entries.clone()) key=|line| (line.id.clone(), line.state.clone(), line.first)
                        children=move |line: EntryLine| {
                            let EntryLine { id, shot_number, state, first } = line;
                            let (front, remove) = (id.clone(), id);
                            view! {
                                <li aria-label=format!("Queued shot {shot_number}")>
                                    <span class="queue-shot">{format!("Shot {shot_number}")}</span>
                                    <span class="queue-state">{state}</span>
                                    <span class="queue-actions">
                                        {(!first).then(|| view! {
                                            <button type="button" class="quiet" on:click=move |_| queue.move_to_front(&front)>"Move to front"</button>
                                        })}
                                        <button type="button" class="quiet" on:click=move |_| queue.remove(&remove)>"Remove"</button>
                                    </span>
                                </li>
                            }
                        }
                    />
                </ol>
                {move || view.with(|view| summary_view(view, queue))}
            </section>
        </Show>
    }
}

/// "2 waiting · 1 on a server · 1 running · about 3 min left"
fn tally(view: &QueueView) -> String {
    if view.entries.is_empty() {
        return String::new();
    }
    let counts = view.counts;
    let mut parts = vec![
        format!("{} waiting", counts.waiting),
        format!("{} on a server", counts.placed),
        format!("{} running", counts.running),
    ];
    if view.paused {
        parts.push("paused".to_owned());
    }
    if let Some(eta) = view.eta_ms {
        parts.push(format!("about {} left", duration_words(eta)));
    }
    parts.join(" · ")
}

fn duration_words(ms: f64) -> String {
    let seconds = (ms / 1000.0).round().max(1.0) as u64;
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => format!("{} min", seconds.div_ceil(60)),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

fn summary_view(view: &QueueView, queue: RenderQueueHandle) -> Option<AnyView> {
    let summary = view.summary.clone()?;
    let headline = format!(
        "Finished: {} done · {} failed · {} cancelled · {} lost",
        summary.done, summary.failed, summary.cancelled, summary.lost
    );
    let failures: Vec<String> = summary
        .failures
        .iter()
        .zip(view.failure_shots.iter().chain(std::iter::repeat(&Vec::new())))
        .map(|(group, shots)| {
            let shots = shots.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
            format!("{} take(s), shot {shots}: {}", group.takes, group.reason)
        })
        .collect();
    Some(
        view! {
            <div class="queue-summary">
                <p>{headline}</p>
                <ul>{failures.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                <button type="button" class="quiet" on:click=move |_| queue.dismiss()>"Clear"</button>
            </div>
        }
        .into_any(),
    )
}

#[cfg(test)]
mod tests {
    use super::duration_words;

    #[test]
    fn durations_read_in_the_largest_unit_that_fits() {
        assert_eq!(duration_words(12_300.0), "12 s");
        assert_eq!(duration_words(61_000.0), "2 min");
        assert_eq!(duration_words(3_720_000.0), "1 h 2 min");
    }
}
