//! Running a draft, or the rewrite of one scene or shot of it: through the LLM (stepping
//! down the JSON mode when the server refuses one), or through the built-in drafter when
//! no LLM is set up or none answers.

use leptos::prelude::*;
use shotline_draft::{
    Completion, CompletionStream, Draft, DraftError, DraftRequest, draft_body, fallback_draft, read_draft,
    read_scene, read_shot, scene_body, shot_body,
};
use wasm_bindgen_futures::spawn_local;

use super::DraftState;
use crate::drafting::{Cancel, stream_completion};

/// Who wrote the draft on preview: rewrites of its parts go to the same writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Llm,
    BuiltIn,
}

#[derive(Debug, Clone)]
pub enum Job {
    Draft(DraftRequest),
    Scene { index: usize },
    Shot { scene: usize, shot: usize },
}

pub fn cancel(state: DraftState) {
    if let Some(cancel) = state.cancel.get_value() {
        cancel.cancel();
    }
}

/// Starts `job`; `use_llm` is false for "Draft without LLM" (rewrites follow the draft's
/// own source).
pub fn start(state: DraftState, job: Job, use_llm: bool) {
    state.problem.set(None);
    state.status.set(None);
    let (request, current) = match &job {
        Job::Draft(request) => (request.clone(), None),
        _ => match state.draft.get_untracked() {
            Some((request, draft, source)) => (request, Some((draft, source))),
            None => return,
        },
    };
    if let Err(problem) = request.validate() {
        state.problem.set(Some(problem.to_string()));
        return;
    }
    let source = match &current {
        Some((_, source)) => *source,
        None if use_llm && !state.settings.with_untracked(|s| s.base_url.trim().is_empty()) => Source::Llm,
        None => Source::BuiltIn,
    };
    if source == Source::BuiltIn {
        return built_in(state, job, request, current.map(|(draft, _)| draft), None);
    }
    let cancel = Cancel::new();
    state.cancel.set_value(Some(cancel.clone()));
    state.show_stream("");
    let url = state.settings.with_untracked(|s| s.base_url.clone());
    state.writing.set(Some(format!("Asking the LLM at {url}…")));
    spawn_local(async move {
        let outcome = ask(state, &job, &request, current.as_ref().map(|(d, _)| d), &cancel).await;
        state.writing.set(None);
        state.cancel.set_value(None);
        match outcome {
            Ok(None) => state
                .status
                .set(Some("Stopped. The project is unchanged.".to_owned())),
            Ok(Some(completion)) => {
                if let Err(problem) = take_answer(state, &job, request, current.map(|(d, _)| d), &completion)
                {
                    state.problem.set(Some(problem.to_string()));
                }
            }
            // No LLM to be reached: the built-in drafter keeps the pipeline going.
            Err(problem @ DraftError::Unreachable { .. }) if matches!(job, Job::Draft(_)) => {
                built_in(state, job, request, None, Some(problem));
            }
            Err(problem) => state.problem.set(Some(problem.to_string())),
        }
    });
}

/// Streams the answer, showing it as it comes; a server that refuses the JSON mode is
/// asked again with the next simpler one, which is remembered.
async fn ask(
    state: DraftState,
    job: &Job,
    request: &DraftRequest,
    draft: Option<&Draft>,
    cancel: &Cancel,
) -> Result<Option<Completion>, DraftError> {
    loop {
        let settings = state.settings.get_untracked();
        let body = match (job, draft) {
            (Job::Draft(_), _) => draft_body(&settings, request)?,
            (Job::Scene { index }, Some(draft)) => scene_body(&settings, request, draft, *index)?,
            (Job::Shot { scene, shot }, Some(draft)) => shot_body(&settings, request, draft, *scene, *shot)?,
            _ => return Ok(None),
        };
        let shown = |stream: &CompletionStream| state.show_stream(stream.text());
        match stream_completion(&settings, body, cancel, shown).await {
            Err(DraftError::ResponseFormatRejected { .. })
                if let Some(simpler) = settings.response_mode.simpler() =>
            {
                state.update_settings(|settings| settings.response_mode = simpler);
                state.writing.set(Some(format!(
                    "The server refused that JSON mode; asking again with \"{}\"…",
                    simpler.label()
                )));
            }
            other => return other,
        }
    }
}

/// Reads the answer into the preview: a whole draft, or one scene or shot put in place.
fn take_answer(
    state: DraftState,
    job: &Job,
    request: DraftRequest,
    current: Option<Draft>,
    completion: &Completion,
) -> Result<(), DraftError> {
    let (draft, warnings, what) = match (job, current) {
        (Job::Draft(_), _) => {
            let read = read_draft(completion, &request)?;
            (read.value, read.warnings, "The LLM wrote a draft")
        }
        (Job::Scene { index }, Some(mut draft)) => {
            let read = read_scene(completion, &request, *index)?;
            draft.replace_scene(*index, read.value)?;
            (draft, read.warnings, "The LLM rewrote the scene")
        }
        (Job::Shot { scene, shot }, Some(mut draft)) => {
            let read = read_shot(completion, &draft, *scene, *shot)?;
            draft.replace_shot(*scene, *shot, read.value)?;
            (draft, read.warnings, "The LLM rewrote the shot")
        }
        _ => return Ok(()),
    };
    state
        .warnings
        .set(warnings.iter().map(ToString::to_string).collect());
    state.status.set(Some(summary(what, &draft)));
    state.draft.set(Some((request, draft, Source::Llm)));
    Ok(())
}

/// The built-in drafter: the same request gives the same draft; a rewrite of one part
/// takes that part from a draft made with another seed.
fn built_in(
    state: DraftState,
    job: Job,
    request: DraftRequest,
    current: Option<Draft>,
    why: Option<DraftError>,
) {
    let reseeded = |salt: u64| DraftRequest {
        seed: request
            .seed
            .wrapping_add(salt)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ..request.clone()
    };
    let salt = (js_sys::Math::random() * 1e9) as u64 + 1;
    let draft = match (&job, current) {
        (Job::Draft(_), _) => fallback_draft(&request),
        (Job::Scene { index }, Some(mut draft)) => {
            let other = fallback_draft(&reseeded(salt));
            if let Some(scene) = other.scenes.get(*index) {
                let _ = draft.replace_scene(*index, scene.clone());
            }
            draft
        }
        (Job::Shot { scene, shot }, Some(mut draft)) => {
            let other = fallback_draft(&reseeded(salt));
            if let Some(new_shot) = other.scenes.get(*scene).and_then(|s| s.shots.get(*shot)) {
                let _ = draft.replace_shot(*scene, *shot, new_shot.clone());
            }
            draft
        }
        _ => return,
    };
    let what = match why {
        Some(problem) => format!("{problem} The built-in drafter wrote this draft instead"),
        None => "The built-in drafter wrote a draft".to_owned(),
    };
    state.warnings.set(Vec::new());
    state.status.set(Some(summary(&what, &draft)));
    state.draft.set(Some((request, draft, Source::BuiltIn)));
}

fn summary(what: &str, draft: &Draft) -> String {
    format!(
        "{what}: {} scenes, {} shots. Check it, then accept it to add it to the project.",
        draft.scenes.len(),
        draft.shot_count()
    )
}
