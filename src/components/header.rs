//! Title, project name, undo/redo and their keyboard shortcuts.

use leptos::ev;
use leptos::prelude::*;
use shotline_model::project::Action;

use crate::project::use_project_data;

#[component]
pub fn AppHeader() -> impl IntoView {
    let data = use_project_data();
    let name = move || {
        data.with_project(|project| project.name.clone())
            .unwrap_or_default()
    };
    let rename = move |event| {
        let name = event_target_value(&event);
        if !name.trim().is_empty() {
            let _ = data.apply(Action::RenameProject { name });
        }
    };
    // Ctrl+Z / Ctrl+Shift+Z outside text fields, whose own undo the browser handles.
    let shortcuts = window_event_listener(ev::keydown, move |event| {
        let in_text_field = event
            .target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_text_field || !(event.ctrl_key() || event.meta_key()) || !event.key().eq_ignore_ascii_case("z")
        {
            return;
        }
        event.prevent_default();
        if event.shift_key() {
            data.redo();
        } else {
            data.undo();
        }
    });
    on_cleanup(move || shortcuts.remove());
    view! {
        <header class="app-header">
            <h1>"Shotline"</h1>
            <label class="visually-hidden" for="project-name">"Project name"</label>
            <input id="project-name" class="project-name" type="text" prop:value=name on:change=rename />
            <span class="save-state" aria-live="polite" data-saves=move || data.save_stats().get().saves
                title=move || {
                    let stats = data.save_stats().get();
                    format!("Saved {} time(s) in this tab; the last save wrote {} bytes in {:.0} ms",
                        stats.saves, stats.last_save_bytes, stats.last_save_duration_ms)
                }>
                {move || if data.has_unsaved_changes().get() { "Saving…" } else { "All changes saved" }}
            </span>
            <div class="history-buttons">
                <button type="button" class="quiet" disabled=move || !data.can_undo().get()
                    on:click=move |_| { data.undo(); } aria-keyshortcuts="Control+Z">"Undo"</button>
                <button type="button" class="quiet" disabled=move || !data.can_redo().get()
                    on:click=move |_| { data.redo(); } aria-keyshortcuts="Control+Shift+Z">"Redo"</button>
            </div>
        </header>
    }
}
