//! The bar under the title: which ComfyUI, and whether it answers.

mod diagnosis;
mod status;

pub use diagnosis::Diagnosis;

use leptos::prelude::*;
use shotline_model::server_url::ServerUrl;

use crate::servers::use_servers;
use status::ConnectionStatus;

#[component]
pub fn ServerBar() -> impl IntoView {
    let connection = use_servers();
    // `None` shows the current server, which the Servers panel may change too.
    let draft = RwSignal::new(None::<String>);
    let input_error = RwSignal::new(None::<String>);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = draft
            .get_untracked()
            .unwrap_or_else(|| connection.server.get_untracked().as_str().to_owned());
        match ServerUrl::parse(&typed) {
            Ok(server) => {
                input_error.set(None);
                draft.set(None);
                connection.set_server(server);
            }
            Err(error) => input_error.set(Some(format!("{error}. Example: http://127.0.0.1:8188"))),
        }
    };

    view! {
        <section class="server-bar" aria-label="ComfyUI server">
            <form class="server-form" on:submit=submit>
                <label for="server-url">"Server URL"</label>
                <div class="server-form-row">
                    <input
                        id="server-url"
                        type="text"
                        inputmode="url"
                        autocomplete="url"
                        spellcheck="false"
                        placeholder="blank = this page's proxy"
                        aria-describedby="server-url-error"
                        aria-invalid=move || input_error.with(Option::is_some).to_string()
                        prop:value=move || {
                            draft.get().unwrap_or_else(|| connection.server.get().as_str().to_owned())
                        }
                        on:input=move |event| draft.set(Some(event_target_value(&event)))
                    />
                    <button type="submit">"Test connection"</button>
                </div>
                <p id="server-url-error" class="field-error" role="alert">
                    {move || input_error.get()}
                </p>
            </form>
            <ConnectionStatus />
        </section>
    }
}
