//! Story drafting for Shotline: a logline becomes scenes of shot prompts, written by a
//! local OpenAI-compatible LLM (LM Studio, Ollama, llama.cpp's server) or, without one,
//! by a seeded template drafter.
//!
//! Pure Rust with no IO: the app's transport sends the bodies built here, feeds the
//! response's chunks to [`CompletionStream`], and reads the result with [`read_draft`].
//! Nothing touches the project until [`accept_draft`] makes the one undoable action.

mod accept;
mod completion;
mod draft;
mod error;
mod fallback;
mod http_status;
mod instructions;
mod lenient;
mod limits;
mod logline;
mod models_list;
mod read;
mod repair;
mod request;
mod schema;
mod settings;
mod sse;
mod validate;
mod warning;

pub use accept::accept_draft;
pub use completion::{Completion, CompletionStream, StreamEnd};
pub use draft::{Draft, DraftScene, DraftShot};
pub use error::DraftError;
pub use fallback::fallback_draft;
pub use limits::{
    MAX_OUTPUT_BYTES, MAX_SCENES, MAX_SHOT_DURATION_S, MAX_SHOTS_PER_SCENE, MIN_SHOT_DURATION_S,
};
pub use models_list::parse_models;
pub use read::{Validated, read_draft, read_scene, read_shot};
pub use repair::Repair;
pub use request::{DraftRequest, ResponseMode, draft_body, scene_body, shot_body};
pub use settings::{
    DEFAULT_TEMPERATURE, DEFAULT_TIMEOUT_S, LM_STUDIO_BASE_URL, LlmBaseUrl, LlmServerKind, LlmSettings,
    OLLAMA_BASE_URL,
};
pub use sse::{SseParser, StreamEvent};
pub use warning::DraftWarning;
