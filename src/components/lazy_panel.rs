//! Side panels whose contents arrive the first time they are opened.
//!
//! Release builds made by `cargo xtask` (cfg `shotline_split`) cut each body declared with
//! [`panel_body!`] into a wasm chunk of its own, fetched when its panel is first opened,
//! so the first load carries the storyboard and what runs it, not the story drafter or
//! the project files (issue 8: first load <= 400 KB compressed). Other builds (`trunk
//! serve`, the tests) are one module and take the same path: the body is ready at once.

use std::future::Future;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

/// A panel body, or the reason its chunk could not be fetched.
pub type Loaded = Result<AnyView, SplitLoaderError>;

/// Declares `async fn $name() -> Loaded` rendering the component `$body`; in split builds
/// the component's code (and what only it uses) goes to the chunk `split_$chunk.wasm`.
macro_rules! panel_body {
    ($name:ident, $chunk:ident, $body:ident) => {
        #[cfg(shotline_split)]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $name() -> $crate::components::lazy_panel::Loaded {
            Ok(::leptos::view! { <$body /> }.into_any())
        }

        #[cfg(not(shotline_split))]
        async fn $name() -> $crate::components::lazy_panel::Loaded {
            Ok(::leptos::view! { <$body /> }.into_any())
        }
    };
}
pub(crate) use panel_body;

/// `<details class=class>` with `children` as its summary. `load` runs once, on the first
/// open; the body then stays, with its state, while the panel is closed and opened again.
#[component]
pub fn LazyPanel<Load, Body>(class: &'static str, load: Load, children: Children) -> impl IntoView
where
    Load: Fn() -> Body + Copy + Send + Sync + 'static,
    Body: Future<Output = Loaded> + 'static,
{
    let opened = RwSignal::new(false);
    let on_toggle = move |_| {
        if !opened.get_untracked() {
            opened.set(true);
        }
    };
    let body = move || {
        // The chunk loader's future is not `Send`; the page has one thread.
        Suspend::new(SendWrapper::new(async move {
            load().await.unwrap_or_else(|_| {
                view! {
                    <p class="field-error" role="alert">
                        "This panel could not be loaded: the page's files did not answer. \
                         Reload the page when its server is reachable; your work is saved."
                    </p>
                }
                .into_any()
            })
        }))
    };
    view! {
        <details class=class on:toggle=on_toggle>
            <summary>{children()}</summary>
            {move || opened.get().then(|| view! {
                <Suspense fallback=|| view! { <p class="hint" role="status">"Loading…"</p> }>
                    {body()}
                </Suspense>
            })}
        </details>
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Element, HtmlInputElement};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn body() -> Loaded {
        Ok(view! { <input class="panel-field" /> }.into_any())
    }

    /// The toggle event and the body's future both land after the current task.
    async fn settle() {
        TimeoutFuture::new(50).await;
    }

    fn inputs(host: &Element) -> Vec<HtmlInputElement> {
        let count = host.inner_html().matches("class=\"panel-field\"").count();
        let first = host.query_selector("input.panel-field").unwrap();
        first
            .map(|field| vec![field.unchecked_into(); count])
            .unwrap_or_default()
    }

    #[wasm_bindgen_test]
    async fn the_body_comes_on_the_first_open_and_keeps_what_was_typed() {
        let document = web_sys::window().unwrap().document().unwrap();
        let host = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&host).unwrap();
        let _mounted = leptos::mount::mount_to(host.clone().unchecked_into(), || {
            view! { <LazyPanel class="test-panel" load=body>"Panel"</LazyPanel> }
        });
        let details = host.query_selector("details.test-panel").unwrap().unwrap();
        assert_eq!(
            details
                .query_selector("summary")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap(),
            "Panel"
        );
        settle().await;
        assert!(inputs(&host).is_empty(), "a closed panel has no body yet");

        details.set_attribute("open", "").unwrap();
        settle().await;
        let [field] = inputs(&host).try_into().expect("one body after the first open");
        field.set_value("half-written logline");

        details.remove_attribute("open").unwrap();
        settle().await;
        details.set_attribute("open", "").unwrap();
        settle().await;
        let [again] = inputs(&host)
            .try_into()
            .expect("still one body after closing and opening");
        assert_eq!(again.value(), "half-written logline");
    }
}
