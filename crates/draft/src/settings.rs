//! Where the local LLM lives and how to ask it: an OpenAI-compatible base URL (LM Studio,
//! Ollama, llama.cpp's server all serve one under `/v1`), the model and sampling choices.

use serde::{Deserialize, Serialize};

use crate::error::DraftError;
use crate::request::ResponseMode;

pub const LM_STUDIO_BASE_URL: &str = "http://127.0.0.1:1234/v1";
pub const OLLAMA_BASE_URL: &str = "http://127.0.0.1:11434/v1";
/// A model that is not loaded yet can take minutes to answer its first request.
pub const DEFAULT_TIMEOUT_S: u32 = 120;
pub const DEFAULT_TEMPERATURE: f64 = 0.8;

const LM_STUDIO_PORT: &str = "1234";
const OLLAMA_PORT: &str = "11434";
/// All three servers serve the OpenAI routes under this prefix.
const OPENAI_PATH_PREFIX: &str = "/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LlmSettings {
    /// As the user typed it; read through [`LlmSettings::base_url`].
    pub base_url: String,
    /// An id from `GET /models`; empty lets the server use the model it has loaded.
    pub model: String,
    pub temperature: f64,
    /// `Some` makes every draft use this seed; `None` lets each draft pick a fresh one.
    pub seed: Option<u64>,
    pub timeout_s: u32,
    /// Sent as a bearer token, and only to `base_url`.
    pub api_key: Option<String>,
    /// Lowered by the UI when the server rejects a stricter one.
    pub response_mode: ResponseMode,
}

impl Default for LlmSettings {
    fn default() -> Self {
        Self {
            base_url: LM_STUDIO_BASE_URL.to_owned(),
            model: String::new(),
            temperature: DEFAULT_TEMPERATURE,
            seed: None,
            timeout_s: DEFAULT_TIMEOUT_S,
            api_key: None,
            response_mode: ResponseMode::default(),
        }
    }
}

impl LlmSettings {
    pub fn base_url(&self) -> Result<LlmBaseUrl, DraftError> {
        LlmBaseUrl::parse(&self.base_url)
    }

    /// The seed a new draft uses: the pinned one, or `fresh` (the UI passes a random one).
    pub fn draft_seed(&self, fresh: u64) -> u64 {
        self.seed.unwrap_or(fresh)
    }

    /// Headers for every request to the server, the key only when one is set.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Accept", "text/event-stream, application/json".to_owned()),
        ];
        if let Some(key) = self
            .api_key
            .as_deref()
            .map(str::trim)
            .filter(|key| !key.is_empty())
        {
            headers.push(("Authorization", format!("Bearer {key}")));
        }
        headers
    }
}

/// `scheme://host[:port]/path` with no trailing slash, ready for a route to be appended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LlmBaseUrl(String);

impl LlmBaseUrl {
    /// Reads what a user typed or pasted: `127.0.0.1:1234` (http and `/v1` added),
    /// `http://h:11434/v1/`, or a whole endpoint such as `.../v1/chat/completions`.
    pub fn parse(input: &str) -> Result<Self, DraftError> {
        let trimmed = input.trim();
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`{}|\\^".contains(c))
        {
            return Err(DraftError::InvalidCharacters(trimmed.to_owned()));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) if ["http", "https"].iter().any(|s| scheme.eq_ignore_ascii_case(s)) => {
                (scheme.to_ascii_lowercase(), rest)
            }
            Some(_) => return Err(DraftError::UnsupportedScheme(trimmed.to_owned())),
            None => ("http".to_owned(), trimmed),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        if host.is_empty() || host.starts_with(':') {
            return Err(DraftError::MissingHost(trimmed.to_owned()));
        }
        let path = rest[authority.len()..]
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
        let segments = match segments.as_slice() {
            [base @ .., "chat", "completions"] | [base @ .., "models"] => base,
            all => all,
        };
        let path = if segments.is_empty() {
            OPENAI_PATH_PREFIX.to_owned()
        } else {
            segments.iter().map(|segment| format!("/{segment}")).collect()
        };
        Ok(Self(format!("{scheme}://{authority}{path}")))
    }

    pub fn models_url(&self) -> String {
        format!("{}/models", self.0)
    }

    pub fn chat_completions_url(&self) -> String {
        format!("{}/chat/completions", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn port(&self) -> Option<&str> {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, rest)| rest);
        let authority = rest.split('/').next().unwrap_or_default();
        authority.rsplit_once(':').map(|(_, port)| port)
    }
}

/// Which server an address most likely is, to explain how to let this page in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmServerKind {
    LmStudio,
    Ollama,
    Other,
}

impl LlmServerKind {
    /// The servers offered as one-click addresses.
    pub const PRESETS: [LlmServerKind; 2] = [LlmServerKind::LmStudio, LlmServerKind::Ollama];

    /// Guessed from the default ports, which is all a browser can see before it connects.
    pub fn guess(url: &LlmBaseUrl) -> Self {
        match url.port() {
            Some(LM_STUDIO_PORT) => LlmServerKind::LmStudio,
            Some(OLLAMA_PORT) => LlmServerKind::Ollama,
            _ => LlmServerKind::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LlmServerKind::LmStudio => "LM Studio",
            LlmServerKind::Ollama => "Ollama",
            LlmServerKind::Other => "OpenAI-compatible server",
        }
    }

    pub fn preset_url(self) -> Option<&'static str> {
        match self {
            LlmServerKind::LmStudio => Some(LM_STUDIO_BASE_URL),
            LlmServerKind::Ollama => Some(OLLAMA_BASE_URL),
            LlmServerKind::Other => None,
        }
    }

    /// How to make this server accept requests from the page at `page_origin`.
    pub fn cors_help(self, page_origin: &str) -> String {
        match self {
            LlmServerKind::LmStudio => "In LM Studio open the Developer tab, Server Settings, and turn on \
                 \"Enable CORS\" (or start it with `lms server start --cors`)."
                .to_owned(),
            LlmServerKind::Ollama => format!(
                "Quit Ollama and start it with OLLAMA_ORIGINS={page_origin} ollama serve (on macOS run \
                 launchctl setenv OLLAMA_ORIGINS \"{page_origin}\" and reopen the app)."
            ),
            LlmServerKind::Other => format!(
                "Allow the origin {page_origin} in the server's CORS settings (llama.cpp's llama-server \
                 allows every origin already)."
            ),
        }
    }
}
