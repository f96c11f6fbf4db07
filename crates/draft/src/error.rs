//! Why a draft could not be made. Each message is the sentence the user sees: what
//! happened, then what to do. The project is never touched when one of these is returned.

use crate::limits::{MAX_OUTPUT_BYTES, MAX_SCENES, MAX_SHOTS_PER_SCENE};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DraftError {
    #[error("\"{0}\" is not an http:// or https:// address; enter one like http://127.0.0.1:1234/v1.")]
    UnsupportedScheme(String),
    #[error("\"{0}\" has no host name; enter one like http://127.0.0.1:11434/v1.")]
    MissingHost(String),
    #[error("\"{0}\" contains spaces or characters an address cannot hold; check what was pasted.")]
    InvalidCharacters(String),

    #[error("The logline is empty; write a sentence or two about the story first.")]
    EmptyLogline,
    #[error("A draft has 1 to {MAX_SCENES} scenes; {0} is outside that range.")]
    SceneCountOutOfRange(usize),
    #[error("A scene has 1 to {MAX_SHOTS_PER_SCENE} shots; {0} is outside that range.")]
    ShotCountOutOfRange(usize),
    #[error("Scene {0} is no longer in the draft; draft again or pick another scene.")]
    SceneNotInDraft(usize),
    #[error("Shot {shot} of scene {scene} is no longer in the draft; pick another shot.")]
    ShotNotInDraft { scene: usize, shot: usize },

    /// Browsers report a refused origin (CORS) and a stopped server the same way, so the
    /// sentence covers both; `help` is [`crate::LlmServerKind::cors_help`] for that server.
    #[error(
        "The LLM server at {url} could not be reached: it is not running, or it refuses requests \
         from this page. {help}"
    )]
    Unreachable { url: String, help: String },
    #[error(
        "The LLM server did not answer within {seconds} s; a model that is still loading can take \
         minutes, so try again or raise the timeout in the LLM settings."
    )]
    TimedOut { seconds: u32 },
    #[error(
        "The LLM server refused the request ({status}): {message}. Check the API key in the LLM \
         settings, or clear it if the server needs none."
    )]
    Unauthorized { status: u16, message: String },
    #[error(
        "The LLM server has no such route or model (404): {message}. Check that the address ends \
         with /v1 and that the chosen model is loaded."
    )]
    NotFound { message: String },
    #[error(
        "The LLM server does not accept this kind of JSON request ({message}); choose a simpler JSON \
         mode in the LLM settings."
    )]
    ResponseFormatRejected { message: String },
    #[error("The LLM server answered with an error ({status}): {message}. Check its log, then try again.")]
    Http { status: u16, message: String },
    #[error("The LLM server reported an error while writing: {message}. Check its log, then try again.")]
    Server { message: String },

    #[error(
        "The LLM server's answer could not be read ({detail}); check that the address points at an \
         OpenAI-compatible API (it usually ends with /v1)."
    )]
    UnreadableAnswer { detail: String },
    #[error("The server's model list could not be read ({detail}); check that the address ends with /v1.")]
    UnreadableModelList { detail: String },
    #[error("The server lists no chat models; load one in LM Studio or pull one with `ollama pull`.")]
    NoModels,

    #[error(
        "The model wrote more than {} MB without finishing, so it was stopped; try again with \
         fewer scenes or a lower temperature.",
        MAX_OUTPUT_BYTES / 1_000_000
    )]
    TooLarge,
    #[error("The model answered with nothing; check that a model is loaded, then try again.")]
    Empty,
    #[error(
        "The model only reasoned and never wrote the draft; try again, or pick a model that is not \
         a reasoning model."
    )]
    OnlyReasoning,
    #[error(
        "The model answered in prose instead of JSON; try again, or pick a larger or \
         instruction-tuned model."
    )]
    NoJson,
    #[error("The model's JSON is broken ({detail}); try again, or pick a model that follows JSON better.")]
    InvalidJson { detail: String },
    #[error(
        "The answer stopped in the middle and what arrived cannot be repaired; try again, and check \
         the server's log if it keeps happening."
    )]
    StreamCut,
    #[error("The model's JSON is not a storyboard ({detail}); try again.")]
    WrongShape { detail: String },
    #[error("The model's draft holds no shot with a prompt; try again with a clearer logline.")]
    NothingUsable,
}
