//! The built-in drafter in the browser, where titles are capitalised by the browser's own
//! Unicode case mapping (crates/draft/src/logline.rs says why).
#![cfg(target_arch = "wasm32")]

use shotline_draft::{DraftRequest, fallback_draft};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn draft_title(logline: &str) -> String {
    fallback_draft(&DraftRequest {
        logline: logline.into(),
        genre_tone: "quiet drama".into(),
        scenes: 1,
        shots_per_scene: 1,
        seed: 7,
    })
    .title
}

#[wasm_bindgen_test]
fn draft_titles_start_with_a_capital_letter_in_any_script() {
    assert_eq!(draft_title("a keeper, alone"), "A keeper");
    assert_eq!(draft_title("élodie finds a door"), "Élodie finds a door");
    assert_eq!(draft_title("ωmega rises"), "Ωmega rises");
}
