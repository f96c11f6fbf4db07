//! What a person sees before there is a storyboard: what Shotline does and how to
//! connect it to ComfyUI.

use leptos::prelude::*;

#[component]
pub fn Welcome() -> impl IntoView {
    view! {
        <section class="welcome" aria-labelledby="welcome-title">
            <h2 id="welcome-title">"From story to shots"</h2>
            <p>
                "Shotline turns a story written as scenes and shots into images and videos on your "
                "ComfyUI servers, shows every shot's place in the queue and its progress, and keeps "
                "your project, takes and media in this browser."
            </p>
            <h3>"Connecting to ComfyUI"</h3>
            <ul class="setup-list">
                <li>
                    <strong>"Through this page's proxy"</strong>
                    " (" <code>"trunk serve"</code> " or " <code>"cargo xtask serve"</code>
                    "): leave Server URL empty. No ComfyUI flags are needed."
                </li>
                <li>
                    <strong>"Directly"</strong>
                    ": enter the address, e.g. " <code>"http://127.0.0.1:8188"</code>
                    ", and start ComfyUI with " <code>"--enable-cors-header"</code>
                    " followed by this page's origin. Shotline shows the exact command if it is needed."
                </li>
            </ul>
            <h3>"Then"</h3>
            <p>
                "Choose a workflow with " <strong>"Import workflow"</strong>
                " (a file saved with ComfyUI's \"Export (API)\", pasted JSON, or a bundled one: the "
                "\"no models\" ones run on the simulator), write a prompt per shot and press "
                <strong>"Generate"</strong> "."
            </p>
        </section>
    }
}
