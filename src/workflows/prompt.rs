//! The text fields of a shot gathered for `build_prompt_text`, so the preview and the
//! submitted prompt always come from the same place.

use shotline_model::project::{Enhancer, Project, ShotId};
use shotline_model::workflow::{PromptText, ShotText, build_prompt_text};

/// The shot's prompt parts: its prompt and negative, its enhancers (the project's style
/// fills the slots the shot leaves unset, in the fixed enhancer order), and its scene's
/// summary as context. The style is already inside the enhancers, so the style parts of
/// [`ShotText`] stay empty; scenes have no negative text.
pub fn shot_text(project: &Project, shot_id: &ShotId) -> Option<ShotText> {
    let position = project.shot_position(shot_id)?;
    let scene = &project.scenes[position.scene];
    let shot = &scene.shots[position.shot];
    let enhancers = shot.enhancers.or_defaults(&project.style);
    Some(ShotText {
        prompt: shot.prompt.clone(),
        negative: shot.negative.clone(),
        enhancers: Enhancer::ALL
            .into_iter()
            .filter_map(|slot| enhancers.get(slot).map(str::to_owned))
            .collect(),
        scene_prompt: scene.summary.clone(),
        ..ShotText::default()
    })
}

/// The final prompt and negative text of a shot, exactly as they will be sent.
pub fn prompt_preview(project: &Project, shot_id: &ShotId) -> Option<PromptText> {
    shot_text(project, shot_id).map(|text| build_prompt_text(&text))
}
