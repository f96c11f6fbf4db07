//! A take's outputs: images inline, videos in a looping player; each with Download and
//! "use as the next shot's keyframe".

use leptos::html::Video;
use leptos::prelude::*;
use shotline_model::project::ShotId;
use shotline_protocol::MediaKind;

use super::continuity::{FrameSource, use_as_next_keyframe};
use crate::generation::{JobView, OutputMedia};
use crate::project::use_project_data;
use crate::storage::Storage;

#[component]
pub fn TakeMedia(job: ReadSignal<JobView>, shot_id: ShotId) -> impl IntoView {
    // Only new outputs rebuild the players: a job view also changes for other reasons,
    // and a rebuilt video would jump back to its start.
    let outputs = Memo::new(move |_| job.with(|view| view.outputs.clone()));
    view! {
        <div class="take-media">
            {move || {
                outputs
                    .get()
                    .into_iter()
                    .map(|output| view! { <Output output shot_id=shot_id.clone() /> })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn Output(output: OutputMedia, shot_id: ShotId) -> impl IntoView {
    let data = use_project_data();
    let storage = use_context::<Storage>();
    let outcome = RwSignal::new(None::<String>);
    let url = output.data_url.to_string();
    let name = output.file_name.clone();
    let video = NodeRef::<Video>::new();
    let (player, source, label) = match output.kind {
        MediaKind::Video => (
            view! {
                <video node_ref=video src=url.clone() controls=true loop=true muted=true playsinline=true
                    aria-label=format!("Video {name}")></video>
            }
            .into_any(),
            FrameSource::Video(video),
            "Use this frame as next keyframe",
        ),
        MediaKind::Image | MediaKind::AnimatedImage => (
            view! { <img src=url.clone() alt=format!("Output {name}") loading="lazy" /> }.into_any(),
            FrameSource::Image(output.clone()),
            "Use as next keyframe",
        ),
    };
    let use_frame = move |_| {
        use_as_next_keyframe(data, storage, shot_id.clone(), source.clone(), outcome);
    };
    view! {
        <figure>
            {player}
            <figcaption>
                <a href=url download=name.clone()>"Download"</a>
                <button type="button" class="quiet" on:click=use_frame>{label}</button>
            </figcaption>
            <p class="media-outcome" role="status">{move || outcome.get()}</p>
        </figure>
    }
}
