//! A take's outputs: images inline, videos in a looping player, audio in a plain one;
//! each with Download, and images and videos with "use as the next shot's keyframe".

use leptos::html::{Dialog, Video};
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
    let lightbox = NodeRef::<Dialog>::new();
    let (player, keyframe) = match output.kind {
        MediaKind::Video => (
            view! {
                <video node_ref=video src=url.clone() controls=true loop=true muted=true playsinline=true
                    aria-label=format!("Video {name}") aria-keyshortcuts="Comma Period"
                    on:keydown=move |event| frame_keys(video, &event)></video>
                <div class="frame-step">
                    <button type="button" class="quiet icon" aria-label="Step back one frame"
                        title="Step back one frame (,)" on:click=move |_| step_frame(video, -1.0)>"⏮"</button>
                    <button type="button" class="quiet icon" aria-label="Step forward one frame"
                        title="Step forward one frame (.)" on:click=move |_| step_frame(video, 1.0)>"⏭"</button>
                </div>
            }
            .into_any(),
            Some((FrameSource::Video(video), "Use this frame as next keyframe")),
        ),
        MediaKind::Audio => (
            view! { <audio src=url.clone() controls=true preload="metadata" aria-label=format!("Audio {name}")></audio> }
                .into_any(),
            None,
        ),
        MediaKind::Image | MediaKind::AnimatedImage => (
            view! {
                <button type="button" class="image-open" aria-label=format!("Open {name} large")
                    on:click=move |_| {
                        if let Some(dialog) = lightbox.get_untracked() {
                            let _ = dialog.show_modal();
                        }
                    }>
                    <img src=url.clone() alt=format!("Output {name}") loading="lazy" />
                </button>
                <dialog node_ref=lightbox class="lightbox" aria-label=format!("{name}, large")
                    on:click=move |event| {
                        // A click on the backdrop (the dialog itself, not its content) closes it.
                        if event.target() == event.current_target()
                            && let Some(dialog) = lightbox.get_untracked()
                        {
                            dialog.close();
                        }
                    }>
                    <img src=url.clone() alt=format!("Output {name}, large") />
                    <div class="lightbox-bar">
                        <span class="lightbox-name">{name.clone()}</span>
                        <a href=url.clone() download=name.clone()>"Download"</a>
                        <button type="button" on:click=move |_| {
                            if let Some(dialog) = lightbox.get_untracked() {
                                dialog.close();
                            }
                        }>"Close"</button>
                    </div>
                </dialog>
            }
            .into_any(),
            Some((FrameSource::Image(output.clone()), "Use as next keyframe")),
        ),
    };
    let use_frame = keyframe.map(|(source, label)| {
        let use_frame = move |_| {
            use_as_next_keyframe(data, storage, shot_id.clone(), source.clone(), outcome);
        };
        view! { <button type="button" class="quiet" on:click=use_frame>{label}</button> }
    });
    view! {
        <figure>
            {player}
            <figcaption>
                <a href=url download=name.clone()>"Download"</a>
                {use_frame}
            </figcaption>
            <p class="media-outcome" role="status">{move || outcome.get()}</p>
        </figure>
    }
}

/// ComfyUI's video nodes default to 24 fps and a browser cannot read a video's frame
/// rate, so one step is 1/24 s: a frame at 24 fps, never more than one at higher rates.
const FRAME_STEP_S: f64 = 1.0 / 24.0;

/// Pauses the video and moves it one frame back (`-1.0`) or forward (`1.0`).
fn step_frame(video: NodeRef<Video>, direction: f64) {
    let Some(video) = video.get_untracked() else {
        return;
    };
    let _ = video.pause();
    let duration = video.duration();
    let end = if duration.is_finite() { duration } else { f64::MAX };
    video.set_current_time((video.current_time() + direction * FRAME_STEP_S).clamp(0.0, end));
}

/// `,` and `.` step frames while the player has the focus, as in most video players.
fn frame_keys(video: NodeRef<Video>, event: &web_sys::KeyboardEvent) {
    let direction = match event.key().as_str() {
        "," => -1.0,
        "." => 1.0,
        _ => return,
    };
    event.prevent_default();
    step_frame(video, direction);
}
