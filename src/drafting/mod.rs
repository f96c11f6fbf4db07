//! Story drafting from the browser: the transport to an OpenAI-compatible LLM server
//! (streamed, cancellable, with a timeout) and the settings it uses. What is asked and how
//! the answer is read is pure and lives in the `shotline-draft` crate.

mod settings;
mod transport;

pub use settings::{load_llm_settings, save_llm_settings};
pub use transport::{Cancel, list_models, stream_completion};
