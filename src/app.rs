//! The shell: title, server bar, workspace; installs the context handles.

use leptos::prelude::*;

use crate::components::server_bar::ServerBar;
use crate::components::welcome::Welcome;
use crate::servers::provide_servers;

#[component]
pub fn App() -> impl IntoView {
    provide_servers();
    view! {
        <div class="shell">
            <header class="app-header">
                <h1>"Shotline"</h1>
                <p class="tagline">"Storyboards to images and video with ComfyUI"</p>
            </header>
            <ServerBar />
            <main class="workspace">
                <Welcome />
            </main>
        </div>
    }
}
