//! Problems with saving, shown where they cannot be missed: another tab's edits, a failed
//! write, records that could not be read.

use leptos::prelude::*;

use crate::project::use_project_data;

#[component]
pub fn ProjectNotices() -> impl IntoView {
    let data = use_project_data();
    let dismissed_error = RwSignal::new(None::<String>);
    let error_text = move || data.last_error().get().map(|error| error.to_string());
    view! {
        {move || data.conflict().get().map(|message| view! {
            <p class="banner banner-warn" role="alert">{message}</p>
        })}
        {move || {
            let text = error_text()?;
            (dismissed_error.get().as_ref() != Some(&text)).then(|| {
                let shown = text.clone();
                view! {
                    <p class="banner banner-warn" role="alert">
                        {shown} " "
                        <button type="button" class="quiet" on:click=move |_| dismissed_error.set(Some(text.clone()))>
                            "Dismiss"
                        </button>
                    </p>
                }
            })
        }}
        {move || {
            let skipped = data.skipped_records().get();
            (!skipped.is_empty()).then(|| view! {
                <p class="banner banner-warn" role="alert">
                    {format!(
                        "{} stored record(s) could not be read and were skipped; everything else loaded. First: {}",
                        skipped.len(),
                        skipped[0]
                    )}
                </p>
            })
        }}
    }
}
