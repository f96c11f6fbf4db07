//! Everything the app remembers in the browser.

pub mod settings;
