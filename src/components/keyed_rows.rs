//! The one keyed list of the app's views.

use leptos::prelude::*;

/// `<For>` over ids as text. Every `<For>` compiles its own copy of the keyed diff, about
/// 7 KB of wasm, so the lists of projects, scenes and shots share this one.
#[component]
pub fn KeyedRows(
    /// The ids, in display order.
    #[prop(into)]
    ids: Signal<Vec<String>>,
    /// The row for an id, built when the id appears.
    row: Callback<String, AnyView>,
) -> impl IntoView {
    view! { <For each=move || ids.get() key=String::clone children=move |id| row.run(id) /> }
}
