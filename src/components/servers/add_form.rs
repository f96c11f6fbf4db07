//! Adds an address to the project's server list.

use leptos::prelude::*;
use shotline_model::server_url::ServerUrl;

use super::actions::ServerListActions;

const EXAMPLE_ADDRESS: &str = "http://127.0.0.1:8188";

#[component]
pub(super) fn AddServerForm(actions: ServerListActions) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let input_error = RwSignal::new(None::<String>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = draft.get_untracked();
        // Blank means "this page's proxy" in the server bar; here it is more likely a slip.
        if typed.trim().is_empty() {
            input_error.set(Some(format!("Type an address, e.g. {EXAMPLE_ADDRESS}")));
            return;
        }
        match ServerUrl::parse(&typed) {
            Ok(server) => {
                input_error.set(None);
                if actions.add(server) {
                    draft.set(String::new());
                }
            }
            Err(error) => input_error.set(Some(format!("{error}. Example: {EXAMPLE_ADDRESS}"))),
        }
    };
    view! {
        <form class="server-add-form" on:submit=submit>
            <label for="new-server-url">"Add a server"</label>
            <div class="server-form-row">
                <input
                    id="new-server-url"
                    type="text"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder=EXAMPLE_ADDRESS
                    aria-describedby="new-server-url-error"
                    aria-invalid=move || input_error.with(Option::is_some).to_string()
                    prop:value=move || draft.get()
                    on:input=move |event| draft.set(event_target_value(&event))
                />
                <button type="submit">"Add server"</button>
            </div>
            <p id="new-server-url-error" class="field-error" role="alert">{move || input_error.get()}</p>
        </form>
    }
}
