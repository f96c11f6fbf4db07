//! What the model is told. The exact JSON shape is spelled out in the prompt too, because
//! in [`crate::ResponseMode::JsonObject`] and [`crate::ResponseMode::Plain`] the prompt is
//! all the model sees of it.

use shotline_model::project::Enhancers;

use crate::draft::{Draft, DraftScene, DraftShot};
use crate::error::DraftError;
use crate::request::DraftRequest;

pub(crate) const SYSTEM_PROMPT: &str = "You are a storyboard writer for AI image and video generation. \
You answer with one JSON object and nothing else: no prose before or after it, no markdown fences.
Each shot prompt describes one visual moment for an image model in one or two sentences: who or what \
is in frame (named, never just \"he\" or \"she\"), the action, the setting and the light.
Camera and style words go in the enhancer fields, not in the prompt: framing (for example \"wide shot\", \
\"close-up\"), movement (\"static\", \"slow dolly in\"), lens (\"35mm\"), lighting, mood, vfx (an empty \
string when none) and pacing (\"slow\", \"steady\", \"fast\").
duration_s is the shot's length in seconds, from 2 to 8.";

pub(crate) fn draft_prompt(request: &DraftRequest) -> String {
    let example = example_draft(request.scenes.min(2), request.shots_per_scene.min(2));
    format!(
        "{brief}\nWrite a storyboard with exactly {scenes} scenes and exactly {shots} shots in each scene \
         ({total} shots in all). The scenes follow the story from setup through confrontation to \
         resolution.\nAnswer with JSON shaped exactly like this example (which is shorter than the \
         answer must be):\n{example}",
        brief = brief(request),
        scenes = request.scenes,
        shots = request.shots_per_scene,
        total = request.scenes * request.shots_per_scene,
        example = pretty(&example),
    )
}

pub(crate) fn scene_prompt(
    request: &DraftRequest,
    draft: &Draft,
    scene: usize,
) -> Result<String, DraftError> {
    let current = draft.scene(scene)?;
    Ok(format!(
        "{brief}\nThe storyboard so far, scene by scene:\n{outline}\nWrite scene {number} (now \"{title}\") \
         again: fresh, but consistent with the scenes around it, with exactly {shots} shots.\nAnswer with \
         that one scene as JSON shaped exactly like this:\n{example}",
        brief = brief(request),
        outline = outline(draft),
        number = scene + 1,
        title = current.title,
        shots = request.shots_per_scene,
        example = pretty(&example_scene(1, request.shots_per_scene.min(2))),
    ))
}

pub(crate) fn shot_prompt(
    request: &DraftRequest,
    draft: &Draft,
    scene: usize,
    shot: usize,
) -> Result<String, DraftError> {
    let current = draft.shot(scene, shot)?;
    let siblings: String = draft.scenes[scene]
        .shots
        .iter()
        .enumerate()
        .map(|(index, sibling)| format!("  Shot {}: {}\n", index + 1, sibling.prompt))
        .collect();
    Ok(format!(
        "{brief}\nThe storyboard so far, scene by scene:\n{outline}\nThe shots of scene {scene_number}:\n\
         {siblings}Write shot {shot_number} of scene {scene_number} (now \"{prompt}\") again: a fresh \
         moment that still fits between the shots around it.\nAnswer with that one shot as JSON shaped \
         exactly like this:\n{example}",
        brief = brief(request),
        outline = outline(draft),
        scene_number = scene + 1,
        shot_number = shot + 1,
        prompt = current.prompt,
        example = pretty(&example_shot(1, 1)),
    ))
}

fn brief(request: &DraftRequest) -> String {
    let tone = request.genre_tone.trim();
    let tone = if tone.is_empty() {
        "the writer's choice"
    } else {
        tone
    };
    format!("Logline: {}\nGenre and tone: {tone}", request.logline.trim())
}

/// Titles and summaries only: a whole draft as context would not fit the small context
/// windows local servers default to (Ollama: 4096 tokens).
fn outline(draft: &Draft) -> String {
    draft
        .scenes
        .iter()
        .enumerate()
        .map(|(index, scene)| format!("Scene {}: {}. {}\n", index + 1, scene.title, scene.summary))
        .collect()
}

fn example_draft(scenes: usize, shots: usize) -> Draft {
    Draft {
        title: "<short title of the story>".to_owned(),
        scenes: (1..=scenes).map(|scene| example_scene(scene, shots)).collect(),
    }
}

fn example_scene(scene: usize, shots: usize) -> DraftScene {
    DraftScene {
        title: format!("<title of scene {scene}>"),
        summary: format!("<what happens in scene {scene}, one or two sentences>"),
        shots: (1..=shots).map(|shot| example_shot(scene, shot)).collect(),
    }
}

fn example_shot(scene: usize, shot: usize) -> DraftShot {
    let text = |what: &str| Some(format!("<{what}>"));
    DraftShot {
        prompt: format!("<visual description of shot {shot} of scene {scene}>"),
        enhancers: Enhancers {
            framing: text("framing"),
            movement: text("camera movement"),
            lens: text("lens"),
            lighting: text("lighting"),
            mood: text("mood"),
            vfx: Some(String::new()),
            pacing: text("pacing"),
        },
        duration_s: Some(4.0),
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers: serialising cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
