//! "Story draft": a logline becomes scenes of shot prompts, written by a local LLM (words
//! shown as they arrive) or by the built-in drafter; previewed, partly regenerated, and
//! added to the project only on Accept, as one undoable step.

mod llm_settings;
mod preview;
mod run;

use leptos::prelude::*;
use shotline_draft::{Draft, DraftRequest, LlmSettings};

use crate::components::lazy_panel::{LazyPanel, panel_body};
use crate::drafting::{Cancel, load_llm_settings, save_llm_settings};
use crate::project::use_project_data;
use llm_settings::LlmSettingsForm;
use preview::DraftPreview;
use run::{Job, Source};

const DEFAULT_SCENES: usize = 3;
const DEFAULT_SHOTS_PER_SCENE: usize = 4;
/// The live view of the answer shows its end; the whole of a long answer would only scroll.
const STREAM_TAIL_CHARS: usize = 1500;

/// The panel's state, shared by its parts.
#[derive(Clone, Copy)]
pub(super) struct DraftState {
    pub settings: RwSignal<LlmSettings>,
    /// Text of the answer so far (its end), and its length in characters.
    pub stream_tail: RwSignal<String>,
    pub stream_chars: RwSignal<usize>,
    /// What is being written now; `None` when idle.
    pub writing: RwSignal<Option<String>>,
    pub cancel: StoredValue<Option<Cancel>, LocalStorage>,
    /// The draft on preview, what it was asked with, and who wrote it.
    pub draft: RwSignal<Option<(DraftRequest, Draft, Source)>>,
    pub warnings: RwSignal<Vec<String>>,
    /// The last outcome, as a sentence.
    pub status: RwSignal<Option<String>>,
    pub problem: RwSignal<Option<String>>,
}

impl DraftState {
    fn new() -> Self {
        Self {
            settings: RwSignal::new(load_llm_settings()),
            stream_tail: RwSignal::new(String::new()),
            stream_chars: RwSignal::new(0),
            writing: RwSignal::new(None),
            cancel: StoredValue::new_local(None),
            draft: RwSignal::new(None),
            warnings: RwSignal::new(Vec::new()),
            status: RwSignal::new(None),
            problem: RwSignal::new(None),
        }
    }

    pub fn update_settings(&self, change: impl FnOnce(&mut LlmSettings)) {
        self.settings.update(change);
        self.settings.with_untracked(save_llm_settings);
    }

    pub fn show_stream(&self, text: &str) {
        let chars = text.chars().count();
        let tail: String = text
            .chars()
            .skip(chars.saturating_sub(STREAM_TAIL_CHARS))
            .collect();
        self.stream_tail.set(tail);
        self.stream_chars.set(chars);
    }
}

/// "Story draft", its contents fetched on first open (components/lazy_panel.rs).
#[component]
pub fn DraftPanel() -> impl IntoView {
    view! {
        <LazyPanel class="draft-panel" load=draft_body>
            <h2>"Story draft"</h2>
        </LazyPanel>
    }
}

panel_body!(draft_body, shotline_story_draft, DraftBody);

#[component]
fn DraftBody() -> impl IntoView {
    let data = use_project_data();
    let state = DraftState::new();
    let logline = RwSignal::new(String::new());
    let tone = RwSignal::new(String::new());
    let scenes = RwSignal::new(DEFAULT_SCENES);
    let shots = RwSignal::new(DEFAULT_SHOTS_PER_SCENE);
    let request = move || DraftRequest {
        logline: logline.get_untracked().trim().to_owned(),
        genre_tone: tone.get_untracked().trim().to_owned(),
        scenes: scenes.get_untracked(),
        shots_per_scene: shots.get_untracked(),
        seed: state
            .settings
            .with_untracked(|settings| settings.draft_seed((js_sys::Math::random() * 1e15) as u64)),
    };
    let with_llm = move |_| run::start(state, Job::Draft(request()), true);
    let without_llm = move |_| run::start(state, Job::Draft(request()), false);
    let cancel = move |_| run::cancel(state);
    let number = |signal: RwSignal<usize>| {
        move |event| {
            if let Ok(value) = event_target_value(&event).trim().parse::<usize>() {
                signal.set(value);
            }
        }
    };
    view! {
        <p class="hint">
            "Write a logline; a local LLM (LM Studio, Ollama, llama.cpp) or the built-in drafter \
             turns it into scenes and shot prompts. Nothing is added until you accept the draft."
        </p>
        <LlmSettingsForm state />
        <div class="draft-form">
            <label class="field" for="draft-logline">"Logline"</label>
            <textarea id="draft-logline" rows="3"
                placeholder="A lighthouse keeper finds a message in a bottle that was written by her future self."
                prop:value=move || logline.get()
                on:input=move |event| logline.set(event_target_value(&event))></textarea>
            <label class="field" for="draft-tone">"Genre and tone"</label>
            <input id="draft-tone" type="text" placeholder="quiet mystery, melancholic"
                prop:value=move || tone.get()
                on:input=move |event| tone.set(event_target_value(&event)) />
            <div class="draft-counts">
                <label>
                    <span>"Scenes"</span>
                    <input id="draft-scenes" type="number" min="1" max="12"
                        prop:value=move || scenes.get().to_string() on:change=number(scenes) />
                </label>
                <label>
                    <span>"Shots per scene"</span>
                    <input id="draft-shots" type="number" min="1" max="12"
                        prop:value=move || shots.get().to_string() on:change=number(shots) />
                </label>
            </div>
            <div class="draft-buttons">
                <Show
                    when=move || state.writing.with(Option::is_some)
                    fallback=move || view! {
                        <button type="button" class="primary" on:click=with_llm>"Draft with LLM"</button>
                        <button type="button" on:click=without_llm>"Draft without LLM"</button>
                    }
                >
                    <button type="button" on:click=cancel>"Cancel"</button>
                </Show>
            </div>
        </div>
        <p class="draft-status" role="status">
            {move || state.writing.get().map(|what| format!("{what} {} characters so far.", state.stream_chars.get()))}
            {move || state.writing.with(Option::is_none).then(|| state.status.get()).flatten()}
        </p>
        <p class="field-error" role="alert">{move || state.problem.get()}</p>
        <Show when=move || { state.writing.with(Option::is_some) && state.stream_chars.get() != 0 }>
            <pre class="draft-stream" aria-label="The answer as it arrives">{move || state.stream_tail.get()}</pre>
        </Show>
        <DraftPreview state data />
    }
}
