//! Continuity: a take's image, or the frame a paused video shows, becomes the keyframe of
//! the next shot, so consecutive shots start where the last one ended.

use base64::Engine as _;
use leptos::html::Video;
use leptos::prelude::*;
use shotline_model::project::{MediaId, ShotId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use crate::generation::OutputMedia;
use crate::project::ProjectData;
use crate::storage::Storage;

const FRAME_MIME: &str = "image/png";

/// Where a next keyframe comes from.
#[derive(Clone)]
pub enum FrameSource {
    /// An image output: used as it is (already in the media store when `media_id` is set).
    Image(OutputMedia),
    /// The frame the video element shows now.
    Video(NodeRef<Video>),
}

/// Stores the frame (when needed), sets it on the next shot, and says what happened in
/// `outcome`: which shot got it, or why not.
pub fn use_as_next_keyframe(
    data: ProjectData,
    storage: Option<Storage>,
    shot: ShotId,
    source: FrameSource,
    outcome: RwSignal<Option<String>>,
) {
    outcome.set(None);
    spawn_local(async move {
        let sentence = match next_keyframe(data, storage, &shot, source).await {
            Ok(number) => format!("Shot {number} now starts from this frame (its keyframe)."),
            Err(problem) => problem,
        };
        outcome.set(Some(sentence));
    });
}

/// Returns the number of the shot that received the keyframe.
async fn next_keyframe(
    data: ProjectData,
    storage: Option<Storage>,
    shot: &ShotId,
    source: FrameSource,
) -> Result<usize, String> {
    let media = match source {
        FrameSource::Image(output) => match output.media_id {
            Some(id) => MediaId::new(id),
            None => store(data, storage, output.mime, &output.data_url).await?,
        },
        FrameSource::Video(video) => {
            let video = video
                .get_untracked()
                .ok_or("The video is no longer on the page.")?;
            let data_url = current_frame(&video)?;
            store(data, storage, FRAME_MIME, &data_url).await?
        }
    };
    let next = data
        .set_next_keyframe(shot, media)
        .map_err(|error| format!("The keyframe could not be set: {error}"))?;
    Ok(data
        .with_project(|project| project.shot_number(&next))
        .flatten()
        .unwrap_or_default())
}

async fn store(
    data: ProjectData,
    storage: Option<Storage>,
    mime: &str,
    data_url: &str,
) -> Result<MediaId, String> {
    let storage = storage.ok_or("This browser is not keeping media, so the frame cannot be stored.")?;
    let project = data.project_id().ok_or("No project is open.")?;
    let bytes = data_url
        .split_once(";base64,")
        .and_then(|(_, payload)| base64::engine::general_purpose::STANDARD.decode(payload).ok())
        .ok_or("The frame is not a readable image.")?;
    storage
        .put_media(project.as_str(), mime, data_url, bytes.len() as u64)
        .await
        .map_err(|error| format!("The frame was not saved: {error}"))
}

/// The video's current frame at its natural size, as a PNG data URL. The video is a
/// `data:` URL, so the canvas is never tainted by another origin.
fn current_frame(video: &web_sys::HtmlVideoElement) -> Result<String, String> {
    let (width, height) = (video.video_width(), video.video_height());
    if width == 0 || height == 0 {
        return Err(
            "The video has not shown a frame yet: play it, pause on the frame, then try again.".into(),
        );
    }
    let canvas = document()
        .create_element("canvas")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("This browser could not make a canvas to copy the frame.")?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("This browser could not draw the frame.")?;
    context
        .draw_image_with_html_video_element(video, 0.0, 0.0)
        .map_err(|_| "The frame could not be copied from the video.".to_owned())?;
    canvas
        .to_data_url_with_type(FRAME_MIME)
        .map_err(|_| "The frame could not be encoded as PNG.".to_owned())
}
