//! How full the browser's storage is, and which projects fill it.

use leptos::prelude::*;
use shotline_protocol::server_report::one_decimal;
use wasm_bindgen_futures::spawn_local;

use crate::storage::{ProjectUsage, Storage, StorageEstimate};

const BYTES_PER_MB: f64 = 1024.0 * 1024.0;
const LARGEST_PROJECTS_SHOWN: usize = 5;

#[component]
pub fn StorageUsage() -> impl IntoView {
    let storage = use_context::<Storage>();
    let estimate = RwSignal::new(None::<Result<StorageEstimate, String>>);
    let largest = RwSignal::new(Vec::<ProjectUsage>::new());
    let measure = move |_| {
        spawn_local(async move {
            estimate.set(Some(Storage::estimate().await.map_err(|error| error.to_string())));
            if let Some(storage) = storage
                && let Ok(projects) = storage.largest_projects(LARGEST_PROJECTS_SHOWN).await
            {
                largest.set(projects);
            }
        });
    };
    view! {
        <div class="storage-usage">
            <button type="button" class="quiet" on:click=measure>"Show storage use"</button>
            {move || estimate.get().map(|estimate| match estimate {
                Ok(estimate) => format!(
                    "Using {} MB of {} MB this browser allows.",
                    one_decimal(estimate.usage_bytes / BYTES_PER_MB),
                    (estimate.quota_bytes / BYTES_PER_MB).round()
                ),
                Err(problem) => format!("The browser did not say: {problem}"),
            })}
            <ul class="largest-projects">
                {move || largest.get().into_iter().map(|usage| view! {
                    <li>{format!("{}: {} MB of media", usage.name, one_decimal(usage.media_bytes as f64 / BYTES_PER_MB))}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}
