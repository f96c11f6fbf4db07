//! "Import workflow": a bundled profile, a file, or pasted JSON.

use leptos::prelude::*;
use shotline_model::project::ProfileId;
use shotline_model::workflow::{BUNDLED_PROFILES, ImportError, MAX_WORKFLOW_BYTES, bundled_profile};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::HtmlInputElement;

use crate::servers::use_servers;
use crate::workflows::{WorkflowError, use_workflows};

const BYTES_PER_MB: f64 = 1024.0 * 1024.0;

#[component]
pub fn ImportForm(chosen: RwSignal<Option<ProfileId>>, message: RwSignal<Option<String>>) -> impl IntoView {
    let workflows = use_workflows();
    let servers = use_servers();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let bundled = RwSignal::new(String::new());
    let pasted = RwSignal::new(String::new());

    let finish = move |result: Result<ProfileId, WorkflowError>| {
        busy.set(false);
        match result {
            Ok(id) => {
                chosen.set(Some(id));
                message.set(None);
                pasted.set(String::new());
                open.set(false);
            }
            Err(error) => message.set(Some(error.to_string())),
        }
    };
    let import_text = move |text: String, file_name: Option<String>| {
        busy.set(true);
        let server = servers.server.get_untracked();
        spawn_local(async move {
            finish(workflows.import_text(&text, file_name.as_deref(), &server).await);
        });
    };
    let on_file = move |event: leptos::ev::Event| {
        let input = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok());
        let Some(input) = input else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Cleared so that picking the same file again, after fixing it, imports again.
        input.set_value("");
        // Checked before reading: a huge file read into memory would freeze the tab.
        if file.size() > MAX_WORKFLOW_BYTES as f64 {
            let size_mb = (file.size() / BYTES_PER_MB).ceil() as usize;
            finish(Err(ImportError::TooLarge { size_mb }.into()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match JsFuture::from(file.text()).await.map(|text| text.as_string()) {
                Ok(Some(text)) => import_text(text, Some(file.name())),
                _ => finish(Err(WorkflowError::FileUnreadable(file.name()))),
            }
        });
    };
    let add_bundled = move |_| finish(workflows.import_bundled(&bundled.get_untracked()));
    let import_pasted = move |_| import_text(pasted.get_untracked(), None);
    let description = move || bundled_profile(&bundled.get()).map(|profile| profile.description);

    view! {
        <div class="workflow-import">
            <button type="button" aria-expanded=move || open.get().to_string()
                aria-controls="workflow-import-form" on:click=move |_| open.update(|open| *open = !*open)>
                "Import workflow"
            </button>
            <Show when=move || open.get()>
                <div id="workflow-import-form" class="workflow-import-form"
                    aria-busy=move || busy.get().to_string()>
                    <label>
                        <span>"Bundled workflow"</span>
                        <select on:change=move |event| bundled.set(event_target_value(&event))>
                            <option value="">"Choose one…"</option>
                            {BUNDLED_PROFILES.iter().map(|profile| view! {
                                <option value=profile.id>{profile.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <p class="hint">{description}</p>
                    <button type="button" on:click=add_bundled
                        disabled=move || busy.get() || bundled.with(String::is_empty)>
                        "Add bundled workflow"
                    </button>
                    <label>
                        <span>"Workflow file (API or editor format)"</span>
                        <input type="file" accept=".json,application/json" on:change=on_file
                            disabled=move || busy.get() />
                    </label>
                    <label>
                        <span>"Or paste workflow JSON"</span>
                        <textarea rows="6" spellcheck="false" prop:value=move || pasted.get()
                            on:input=move |event| pasted.set(event_target_value(&event))></textarea>
                    </label>
                    <button type="button" on:click=import_pasted
                        disabled=move || busy.get() || pasted.with(|text| text.trim().is_empty())>
                        "Import pasted JSON"
                    </button>
                </div>
            </Show>
        </div>
    }
}
