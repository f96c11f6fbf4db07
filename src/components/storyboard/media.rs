//! A take's outputs: images inline, videos in a looping player.

use leptos::prelude::*;
use shotline_protocol::MediaKind;

use crate::generation::JobView;

#[component]
pub fn TakeMedia(job: ReadSignal<JobView>) -> impl IntoView {
    view! {
        <div class="take-media">
            {move || {
                job.with(|view| view.outputs.clone())
                    .into_iter()
                    .map(|output| {
                        let url = output.data_url.to_string();
                        let name = output.file_name.clone();
                        match output.kind {
                            MediaKind::Video => view! {
                                <figure>
                                    <video src=url.clone() controls=true loop=true muted=true playsinline=true
                                        aria-label=format!("Video {name}")></video>
                                    <figcaption><a href=url download=name.clone()>"Download"</a></figcaption>
                                </figure>
                            }
                            .into_any(),
                            MediaKind::Image | MediaKind::AnimatedImage => view! {
                                <figure>
                                    <img src=url.clone() alt=format!("Output {name}") loading="lazy" />
                                    <figcaption><a href=url download=name.clone()>"Download"</a></figcaption>
                                </figure>
                            }
                            .into_any(),
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
