//! What was odd about a draft that could still be read: shown under the preview so the
//! user knows what was filled in before accepting it. Scene and shot numbers count from 1.

use std::fmt;

use crate::repair::Repair;

#[derive(Debug, Clone, PartialEq)]
pub enum DraftWarning {
    Repaired(Repair),
    /// The body ended without an end marker; the last scenes may be missing.
    AnswerCut,
    /// The server's token limit stopped the model (`finish_reason: "length"`).
    TokenLimit,
    UntitledDraft,
    UntitledScene {
        scene: usize,
    },
    MissingSummary {
        scene: usize,
    },
    PromptFromSummary {
        scene: usize,
        shot: usize,
    },
    DroppedShot {
        scene: usize,
        shot: usize,
    },
    DroppedScene {
        scene: usize,
    },
    SceneCount {
        asked: usize,
        got: usize,
    },
    ShotCount {
        scene: usize,
        asked: usize,
        got: usize,
    },
    DurationAdjusted {
        scene: usize,
        shot: usize,
        from: f64,
        to: f64,
    },
}

impl fmt::Display for DraftWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftWarning::Repaired(repair) => write!(f, "The model's JSON needed mending: {repair}"),
            DraftWarning::AnswerCut => f.write_str(
                "The answer stopped before its end, so the last scenes may be missing or incomplete; \
                 check them or draft again.",
            ),
            DraftWarning::TokenLimit => f.write_str(
                "The server's token limit cut the answer, so the last scenes may be missing; raise the \
                 limit (context length) in the server or ask for fewer shots.",
            ),
            DraftWarning::UntitledDraft => {
                f.write_str("The draft had no title; one was made from the logline.")
            }
            DraftWarning::UntitledScene { scene } => {
                write!(f, "Scene {scene} had no title; it is called \"Scene {scene}\".")
            }
            DraftWarning::MissingSummary { scene } => write!(f, "Scene {scene} has no summary."),
            DraftWarning::PromptFromSummary { scene, shot } => write!(
                f,
                "Shot {shot} of scene {scene} had no prompt; the scene's summary stands in for it."
            ),
            DraftWarning::DroppedShot { scene, shot } => write!(
                f,
                "Shot {shot} of scene {scene} had no prompt and its scene no summary, so it was left out."
            ),
            DraftWarning::DroppedScene { scene } => {
                write!(
                    f,
                    "Scene {scene} had no shots and no summary, so it was left out."
                )
            }
            DraftWarning::SceneCount { asked, got } => {
                write!(f, "{asked} scenes were asked for and the model wrote {got}.")
            }
            DraftWarning::ShotCount { scene, asked, got } => write!(
                f,
                "Scene {scene} has {got} shots where {asked} were asked for; regenerate it to try again."
            ),
            DraftWarning::DurationAdjusted {
                scene,
                shot,
                from,
                to,
            } => write!(
                f,
                "Shot {shot} of scene {scene} was to last {from} s; it now lasts {to} s."
            ),
        }
    }
}
