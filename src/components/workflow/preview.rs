//! The final prompt and negative text of the selected shot, exactly as they will be sent.

use leptos::prelude::*;

use crate::project::use_project_data;
use crate::workflows::prompt_preview;

#[component]
pub fn PromptPreview() -> impl IntoView {
    let data = use_project_data();
    let preview = Memo::new(move |_| {
        let shot = data.selection().get().shot?;
        data.with_project(|project| {
            let number = project.shot_number(&shot)?;
            Some((number, prompt_preview(project, &shot)?))
        })
        .flatten()
    });
    view! {
        <section class="prompt-preview" aria-labelledby="prompt-preview-heading">
            <h3 id="prompt-preview-heading">"Prompt preview"</h3>
            {move || match preview.get() {
                None => view! { <p class="hint">"Select a shot to see the prompt it sends."</p> }.into_any(),
                Some((number, text)) => view! {
                    <p class="hint">"Shot " {number} ": shot prompt, enhancers, then scene summary."</p>
                    <dl>
                        <dt>"Prompt"</dt>
                        <dd class="prompt-text">{text.prompt}</dd>
                        <dt>"Negative prompt"</dt>
                        <dd class="prompt-text">{text.negative}</dd>
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}
