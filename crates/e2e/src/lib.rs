//! Harness for the end-to-end tests: the release build of the app served from a static
//! server, comfy-sim processes, and headless Chromium driven through ChromeDriver.
//! `cargo xtask test` builds everything and passes the paths in environment variables.

mod browser;
mod cdp;
mod llm;
mod sim;
mod site;

pub use browser::{Browser, PHONE_WIDTH_PX};
pub use llm::{FAKE_MODEL, FakeLlm, LlmAnswer};
pub use sim::Sim;
pub use site::StaticSite;

use std::path::PathBuf;

/// CSS for the card of "Shot N" (counted from 1 across the project, as the app labels it).
pub fn shot_card(n: usize) -> String {
    format!("[role=group][aria-label='Shot {n}']")
}

/// A path handed over by `cargo xtask test`; these tests mean nothing without it.
pub fn env_path(name: &str) -> PathBuf {
    match std::env::var_os(name) {
        Some(value) => PathBuf::from(value),
        None => panic!("{name} is unset: run the end-to-end tests with `cargo xtask test --tier e2e`"),
    }
}
