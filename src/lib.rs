//! Shotline in the browser: the Leptos app and the glue from browser events to the pure
//! crates (`shotline-protocol`, `shotline-model`).

mod app;
pub mod comfy;
mod components;
mod drafting;
pub mod generation;
pub mod project;
pub mod servers;
pub mod storage;
pub mod tabs;
pub mod workflows;

pub use app::App;
