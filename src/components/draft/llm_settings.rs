//! Where the LLM is and how to ask it: address (with the LM Studio and Ollama defaults),
//! a check that lists its models, model, temperature, seed, timeout, API key, JSON mode.

use leptos::prelude::*;
use shotline_draft::{LlmServerKind, ResponseMode};
use wasm_bindgen_futures::spawn_local;

use super::DraftState;
use crate::drafting::list_models;

#[component]
pub fn LlmSettingsForm(state: DraftState) -> impl IntoView {
    let settings = state.settings;
    let models = RwSignal::new(Vec::<String>::new());
    let health = RwSignal::new(None::<Result<String, String>>);
    let checking = RwSignal::new(false);
    let check = move |_| {
        checking.set(true);
        health.set(None);
        spawn_local(async move {
            let outcome = list_models(&settings.get_untracked()).await;
            checking.set(false);
            match outcome {
                Ok(list) => {
                    let count = list.len();
                    // Keep the chosen model when the server still has it; else its first.
                    let keep = settings.with_untracked(|s| list.contains(&s.model));
                    if !keep && let Some(first) = list.first().cloned() {
                        state.update_settings(|s| s.model = first);
                    }
                    models.set(list);
                    let noun = if count == 1 { "model" } else { "models" };
                    health.set(Some(Ok(format!("Connected — {count} chat {noun} available."))));
                }
                Err(problem) => health.set(Some(Err(problem.to_string()))),
            }
        });
    };
    let preset = move |kind: LlmServerKind| {
        move |_| {
            if let Some(url) = kind.preset_url() {
                state.update_settings(|s| s.base_url = url.to_owned());
                models.set(Vec::new());
                health.set(None);
            }
        }
    };
    view! {
        <details class="llm-settings">
            <summary>"LLM settings"</summary>
            <label class="field" for="llm-url">"LLM server"</label>
            <input id="llm-url" type="url" spellcheck="false"
                prop:value=move || settings.with(|s| s.base_url.clone())
                on:change=move |event| {
                    let url = event_target_value(&event);
                    state.update_settings(|s| s.base_url = url.trim().to_owned());
                    models.set(Vec::new());
                    health.set(None);
                } />
            <div class="llm-presets">
                {LlmServerKind::PRESETS.into_iter().map(|kind| view! {
                    <button type="button" class="quiet" on:click=preset(kind)>{kind.label()}</button>
                }).collect_view()}
                <button type="button" on:click=check disabled=move || checking.get()>"Check LLM"</button>
            </div>
            <p class="llm-health" role="status"
                class:ok=move || health.with(|h| matches!(h, Some(Ok(_))))
                class:bad=move || health.with(|h| matches!(h, Some(Err(_))))>
                {move || if checking.get() { Some("Checking…".to_owned()) } else {
                    health.get().map(|outcome| outcome.unwrap_or_else(|problem| problem))
                }}
            </p>
            <label class="field" for="llm-model">"Model"</label>
            {move || {
                let list = models.get();
                if list.is_empty() {
                    view! {
                        <input id="llm-model" type="text" placeholder="the loaded model (Check LLM lists them)"
                            prop:value=move || settings.with(|s| s.model.clone())
                            on:change=move |event| {
                                let model = event_target_value(&event);
                                state.update_settings(|s| s.model = model.trim().to_owned());
                            } />
                    }
                    .into_any()
                } else {
                    view! {
                        <select id="llm-model"
                            on:change=move |event| {
                                let model = event_target_value(&event);
                                state.update_settings(|s| s.model = model);
                            }>
                            {list.into_iter().map(|model| {
                                let selected = settings.with_untracked(|s| s.model == model);
                                view! { <option value=model.clone() selected=selected>{model.clone()}</option> }
                            }).collect_view()}
                        </select>
                    }
                    .into_any()
                }
            }}
            <div class="llm-numbers">
                <label>
                    <span>"Temperature"</span>
                    <input type="number" min="0" max="2" step="0.1"
                        prop:value=move || settings.with(|s| s.temperature.to_string())
                        on:change=move |event| {
                            // The browser's number, not `str::parse::<f64>`: that parser
                            // brings a 10 KB table into the bundle. NaN: empty or not a number.
                            let value = event_target::<web_sys::HtmlInputElement>(&event).value_as_number();
                            if !value.is_nan() {
                                state.update_settings(|s| s.temperature = value.clamp(0.0, 2.0));
                            }
                        } />
                </label>
                <label>
                    <span>"Seed (empty: new each time)"</span>
                    <input type="number" min="0"
                        prop:value=move || settings.with(|s| s.seed.map(|seed| seed.to_string()).unwrap_or_default())
                        on:change=move |event| {
                            let seed = event_target_value(&event).trim().parse::<u64>().ok();
                            state.update_settings(|s| s.seed = seed);
                        } />
                </label>
                <label>
                    <span>"Timeout (s)"</span>
                    <input type="number" min="5" max="3600"
                        prop:value=move || settings.with(|s| s.timeout_s.to_string())
                        on:change=move |event| {
                            if let Ok(value) = event_target_value(&event).trim().parse::<u32>() {
                                state.update_settings(|s| s.timeout_s = value.clamp(5, 3600));
                            }
                        } />
                </label>
            </div>
            <label class="field" for="llm-key">"API key (optional, sent only to this server)"</label>
            <input id="llm-key" type="password" autocomplete="off"
                prop:value=move || settings.with(|s| s.api_key.clone().unwrap_or_default())
                on:change=move |event| {
                    let key = event_target_value(&event);
                    state.update_settings(|s| s.api_key = Some(key.trim().to_owned()).filter(|k| !k.is_empty()));
                } />
            <label class="field" for="llm-mode">"JSON mode"</label>
            <select id="llm-mode" on:change=move |event| {
                let chosen = event_target_value(&event);
                if let Some(mode) = ResponseMode::ALL.into_iter().find(|mode| mode.label() == chosen) {
                    state.update_settings(|s| s.response_mode = mode);
                }
            }>
                {ResponseMode::ALL.into_iter().map(|mode| view! {
                    <option value=mode.label() selected=move || settings.with(|s| s.response_mode == mode)>
                        {mode.label()}
                    </option>
                }).collect_view()}
            </select>
        </details>
    }
}
