//! What a failed HTTP exchange with the LLM server means, for the transport layer to
//! report without reading bodies itself.

use serde_json::Value;

use crate::error::DraftError;
use crate::settings::{LlmBaseUrl, LlmServerKind};
use crate::sse::error_message;

/// Enough of a server's error body to recognise it in a sentence.
const MAX_MESSAGE_CHARS: usize = 300;

impl DraftError {
    /// The browser's fetch failed without a status: see [`DraftError::Unreachable`].
    pub fn unreachable(url: &LlmBaseUrl, page_origin: &str) -> Self {
        DraftError::Unreachable {
            url: url.as_str().to_owned(),
            help: LlmServerKind::guess(url).cors_help(page_origin),
        }
    }

    /// A response with a status other than 2xx, and its body.
    pub fn from_status(status: u16, body: &str) -> Self {
        let message = server_message(body);
        let lowered = message.to_ascii_lowercase();
        match status {
            401 | 403 => DraftError::Unauthorized { status, message },
            404 => DraftError::NotFound { message },
            400 | 422
                if ["response_format", "json_schema", "json_object"]
                    .iter()
                    .any(|word| lowered.contains(word)) =>
            {
                DraftError::ResponseFormatRejected { message }
            }
            _ => DraftError::Http { status, message },
        }
    }
}

fn server_message(body: &str) -> String {
    let message = match serde_json::from_str::<Value>(body) {
        Ok(json) => error_message(&json),
        Err(_) => body.trim().to_owned(),
    };
    let message = message.trim().trim_end_matches('.');
    if message.is_empty() {
        return "no details given".to_owned();
    }
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_owned(),
    }
}
