//! Every finished take of the project at a glance, in timeline order; a click on one
//! brings its shot card into view.

use leptos::prelude::*;
use shotline_protocol::{JobState, MediaKind};

use shotline_model::project::Project;

use crate::generation::{Generation, OutputMedia, use_generation};
use crate::project::use_project_data;

/// One tile: the take's first output and where it belongs.
#[derive(Debug, Clone, PartialEq)]
struct Tile {
    prompt_id: String,
    shot_number: usize,
    take: usize,
    takes: usize,
    output: OutputMedia,
}

#[component]
pub fn Gallery() -> impl IntoView {
    let generation = use_generation();
    let data = use_project_data();
    // Tiles are built only while the gallery is open: every take of the evening is one,
    // and rebuilding them whenever a job starts or ends made each job cost more than
    // the last (issue 17). Closed, the summary needs only their number.
    let open = RwSignal::new(false);
    let tiles = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        // Finished takes only change when a job finishes or gets its media; progress of
        // running jobs must not rebuild the gallery.
        generation.job_ids().track();
        generation.media_epoch().track();
        data.with_project(|project| finished_tiles(project, generation))
            .unwrap_or_default()
    });
    let count = Memo::new(move |_| {
        if open.get() {
            return tiles.with(Vec::len);
        }
        generation.job_ids().track();
        generation.media_epoch().track();
        data.with_project(|project| {
            project
                .numbered_shots()
                .flat_map(|(_, _, shot)| &shot.takes)
                .filter(|take| finished_output(generation, take.as_str()).is_some())
                .count()
        })
        .unwrap_or_default()
    });
    let toggled = move |event: leptos::ev::Event| {
        open.set(event_target::<web_sys::Element>(&event).has_attribute("open"));
    };
    view! {
        <details class="gallery" on:toggle=toggled>
            <summary>{move || format!("Gallery ({} takes)", count.get())}</summary>
            <Show
                when=move || count.with(|count| *count != 0)
                fallback=|| view! { <p class="hint">"Finished takes appear here."</p> }
            >
                <ul class="gallery-grid">
                    <For each=move || tiles.get() key=|tile| tile.prompt_id.clone() let:tile>
                        <GalleryTile tile />
                    </For>
                </ul>
            </Show>
        </details>
    }
}

/// The take's first output, once it is Done.
fn finished_output(generation: Generation, prompt_id: &str) -> Option<OutputMedia> {
    let view = generation.job(prompt_id)?;
    view.with_untracked(|view| match (&view.state, view.outputs.first()) {
        (JobState::Done { .. }, Some(output)) => Some(output.clone()),
        _ => None,
    })
}

fn finished_tiles(project: &Project, generation: Generation) -> Vec<Tile> {
    let mut tiles = Vec::new();
    for (number, _, shot) in project.numbered_shots() {
        let takes: Vec<_> = shot
            .takes
            .iter()
            .filter_map(|take| {
                let id = take.as_str();
                finished_output(generation, id).map(|output| (id.to_owned(), output))
            })
            .collect();
        let count = takes.len();
        tiles.extend(
            takes
                .into_iter()
                .enumerate()
                .map(|(index, (prompt_id, output))| Tile {
                    prompt_id,
                    shot_number: number,
                    take: index + 1,
                    takes: count,
                    output,
                }),
        );
    }
    tiles
}

#[component]
fn GalleryTile(tile: Tile) -> impl IntoView {
    let label = format!("Shot {} · take {} of {}", tile.shot_number, tile.take, tile.takes);
    let url = tile.output.data_url.to_string();
    let media = match tile.output.kind {
        MediaKind::Video => {
            view! { <video src=url muted=true loop=true playsinline=true preload="metadata"></video> }
                .into_any()
        }
        MediaKind::Image | MediaKind::AnimatedImage => {
            view! { <img src=url alt="" loading="lazy" /> }.into_any()
        }
        // A player inside the tile's button could not be used; the shot card has one.
        MediaKind::Audio => view! { <span class="gallery-audio" aria-hidden="true">"♪"</span> }.into_any(),
    };
    let number = tile.shot_number;
    let show = move |_| {
        let card = document()
            .query_selector(&format!("[role=group][aria-label='Shot {number}']"))
            .ok()
            .flatten();
        if let Some(card) = card {
            card.scroll_into_view();
        }
    };
    view! {
        <li>
            <button type="button" class="gallery-tile" on:click=show aria-label=format!("{label}: show in the storyboard")>
                {media}
                <span>{label.clone()}</span>
            </button>
        </li>
    }
}
