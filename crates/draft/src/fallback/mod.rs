//! The drafter used with no LLM configured or reachable: a story arc laid over the
//! requested scenes, shots that cover each scene the way a storyboard artist would, and
//! camera choices varied by the seed. The same request always gives the same draft.

mod beats;
mod rng;

use shotline_model::project::Enhancers;

use crate::draft::{Draft, DraftScene, DraftShot};
use crate::limits::{MAX_SCENES, MAX_SHOT_DURATION_S, MAX_SHOTS_PER_SCENE, MIN_SHOT_DURATION_S};
use crate::logline::{capitalised, subject_of, title_from_logline};
use crate::request::DraftRequest;
use beats::{Beat, ShotRole, beat_for, role_for};
use rng::Rng;

const MOVEMENTS: &[&str] = &[
    "static",
    "slow dolly in",
    "slow pan",
    "handheld",
    "crane up",
    "tracking",
    "slow orbit",
    "push in",
];
/// One key light per scene, so its shots look like one place and time...
const KEY_LIGHTS: &[&str] = &[
    "golden hour sunlight",
    "soft overcast light",
    "low-key light with deep shadows",
    "blue hour",
    "practical lamps",
    "hard midday sun",
    "moonlight",
    "neon glow",
];
/// ...and a different accent on each shot.
const LIGHT_ACCENTS: &[&str] = &[
    "backlit",
    "rim light",
    "soft fill",
    "side light",
    "silhouetted",
    "top light",
];
/// Most shots need no effect; one in [`VFX_ONE_IN`] gets one of these.
const EFFECTS: &[&str] = &[
    "light film grain",
    "drifting haze",
    "dust in the light",
    "soft lens flare",
];
const VFX_ONE_IN: usize = 4;

/// A usable draft from the request alone. Counts outside the allowed range are brought
/// inside it, so this never fails (it is what runs when everything else has).
pub fn fallback_draft(request: &DraftRequest) -> Draft {
    let scene_count = request.scenes.clamp(1, MAX_SCENES);
    let shot_count = request.shots_per_scene.clamp(1, MAX_SHOTS_PER_SCENE);
    let subject = subject_of(&request.logline);
    let tone = request.genre_tone.trim();
    let mut rng = Rng::new(request.seed, &format!("{}\u{1f}{tone}", request.logline.trim()));
    let mut previous = Enhancers::default();
    let mut previous_key_light = None;
    let scenes = (0..scene_count)
        .map(|index| {
            let key_light = rng.pick_other(KEY_LIGHTS, previous_key_light);
            previous_key_light = Some(key_light);
            let beat = beat_for(index, scene_count);
            let repeat = (0..index)
                .filter(|earlier| beat_for(*earlier, scene_count) == beat)
                .count();
            let title = match repeat {
                0 => beat.name.to_owned(),
                n => format!("{} {}", beat.name, n + 1),
            };
            let offset = rng.below(4);
            let shots = (0..shot_count)
                .map(|shot| {
                    let role = role_for(shot, shot_count, offset);
                    let look = Look {
                        beat,
                        role,
                        key_light,
                    };
                    let drafted = shot_for(look, &subject, tone, &previous, &mut rng);
                    previous = drafted.enhancers.clone();
                    drafted
                })
                .collect();
            DraftScene {
                title,
                summary: capitalised(&beat.summary.replace("{subject}", &subject)),
                shots,
            }
        })
        .collect();
    Draft {
        title: title_from_logline(&request.logline),
        scenes,
    }
}

/// What a shot is made of before the seed picks the details.
#[derive(Clone, Copy)]
struct Look {
    beat: Beat,
    role: ShotRole,
    key_light: &'static str,
}

fn shot_for(look: Look, subject: &str, tone: &str, previous: &Enhancers, rng: &mut Rng) -> DraftShot {
    let Look {
        beat,
        role,
        key_light,
    } = look;
    let mut prompt = capitalised(
        &role
            .prompt()
            .replace("{subject}", subject)
            .replace("{moment}", beat.moment),
    );
    if !tone.is_empty() {
        prompt.push_str(&format!(", {tone} atmosphere"));
    }
    let framing = role.framings()[rng.below(role.framings().len())];
    let vfx = (rng.below(VFX_ONE_IN) == 0).then(|| EFFECTS[rng.below(EFFECTS.len())].to_owned());
    let previous_accent = previous
        .lighting
        .as_deref()
        .and_then(|lighting| lighting.rsplit(", ").next());
    let lighting = format!("{key_light}, {}", rng.pick_other(LIGHT_ACCENTS, previous_accent));
    let enhancers = Enhancers {
        framing: Some(framing.to_owned()),
        movement: Some(rng.pick_other(MOVEMENTS, previous.movement.as_deref()).to_owned()),
        lens: Some(rng.pick_other(role.lenses(), previous.lens.as_deref()).to_owned()),
        lighting: Some(lighting),
        // The tone is in the prompt already; the mood follows the arc.
        mood: Some(beat.mood.to_owned()),
        vfx,
        pacing: Some(beat.pacing.to_owned()),
    };
    let duration_s =
        (beat.base_duration_s + role.duration_offset_s()).clamp(MIN_SHOT_DURATION_S, MAX_SHOT_DURATION_S);
    DraftShot {
        prompt: format!("{prompt}."),
        enhancers,
        duration_s: Some(duration_s),
    }
}
