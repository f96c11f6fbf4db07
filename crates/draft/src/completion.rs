//! Collects a chat completion from the body's chunks as they arrive, whether the server
//! streamed it (SSE) or, ignoring `stream: true`, sent one JSON body.

use serde_json::Value;

use crate::error::DraftError;
use crate::limits::{MAX_LINE_BYTES, MAX_OUTPUT_BYTES};
use crate::sse::{SseParser, StreamEvent, error_message};

/// How the answer ended, which decides how far its text can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEnd {
    /// `[DONE]` or a finish reason arrived: the text is all the model meant to write.
    Finished,
    /// The server's token limit stopped the model (`finish_reason: "length"`).
    CutByLength,
    /// The body ended with neither: the connection or the server broke off.
    Truncated,
}

/// The collected answer, to read with [`crate::read_draft`] and friends.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub reasoning: String,
    pub end: StreamEnd,
}

#[derive(Debug)]
enum Body {
    /// Nothing but whitespace yet: the first real byte tells SSE from JSON.
    Undecided(Vec<u8>),
    Sse(SseParser),
    Json(Vec<u8>),
}

#[derive(Debug)]
pub struct CompletionStream {
    body: Body,
    text: String,
    reasoning: String,
    finish_reason: Option<String>,
    done: bool,
    error: Option<DraftError>,
}

impl Default for CompletionStream {
    fn default() -> Self {
        Self::new()
    }
}

impl CompletionStream {
    pub fn new() -> Self {
        Self {
            body: Body::Undecided(Vec::new()),
            text: String::new(),
            reasoning: String::new(),
            finish_reason: None,
            done: false,
            error: None,
        }
    }

    /// Feeds the next chunk of the body. An error event from the server or an answer
    /// past the size limit is returned at once, so the caller can stop reading.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), DraftError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let events = match &mut self.body {
            Body::Undecided(start) => {
                start.extend_from_slice(chunk);
                let Some(&first) = start.iter().find(|byte| !byte.is_ascii_whitespace()) else {
                    return Ok(());
                };
                let start = std::mem::take(start);
                if first == b'{' {
                    self.body = Body::Json(start);
                    Vec::new()
                } else {
                    let mut parser = SseParser::new();
                    let events = parser.push(&start);
                    self.body = Body::Sse(parser);
                    events
                }
            }
            Body::Sse(parser) => parser.push(chunk),
            Body::Json(bytes) => {
                bytes.extend_from_slice(chunk);
                Vec::new()
            }
        };
        self.take_events(events);
        self.check_size();
        match &self.error {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// The answer so far, to show tokens arriving.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn reasoning(&self) -> &str {
        &self.reasoning
    }

    /// `[DONE]` arrived: nothing more will come, even if the connection stays open.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The body ended (or the caller stopped reading after [`CompletionStream::is_done`]).
    pub fn finish(mut self) -> Result<Completion, DraftError> {
        let events = match &mut self.body {
            Body::Sse(parser) => parser.end(),
            Body::Json(bytes) => {
                let body = String::from_utf8_lossy(bytes).into_owned();
                self.read_json_body(&body)?;
                Vec::new()
            }
            Body::Undecided(_) => Vec::new(),
        };
        self.take_events(events);
        self.check_size();
        if let Some(error) = self.error {
            return Err(error);
        }
        let end = match self.finish_reason.as_deref() {
            Some("length") => StreamEnd::CutByLength,
            Some(_) => StreamEnd::Finished,
            None if self.done => StreamEnd::Finished,
            None => StreamEnd::Truncated,
        };
        Ok(Completion {
            text: self.text,
            reasoning: self.reasoning,
            end,
        })
    }

    fn take_events(&mut self, events: Vec<StreamEvent>) {
        for event in events {
            if self.done || self.error.is_some() {
                return;
            }
            match event {
                StreamEvent::Content(text) => self.text.push_str(&text),
                StreamEvent::Reasoning(text) => self.reasoning.push_str(&text),
                StreamEvent::Finish(reason) => self.finish_reason = Some(reason),
                StreamEvent::Done => self.done = true,
                StreamEvent::Error(message) => self.error = Some(DraftError::Server { message }),
            }
        }
    }

    fn check_size(&mut self) {
        let pending = match &self.body {
            Body::Undecided(bytes) | Body::Json(bytes) => bytes.len(),
            Body::Sse(parser) => parser.pending_bytes(),
        };
        let too_large = self.text.len() > MAX_OUTPUT_BYTES
            || self.reasoning.len() > MAX_OUTPUT_BYTES
            || pending > MAX_LINE_BYTES;
        if too_large && self.error.is_none() {
            self.error = Some(DraftError::TooLarge);
        }
    }

    /// `{"choices": [{"message": {"content": ...}, "finish_reason": ...}]}` or an error body.
    fn read_json_body(&mut self, body: &str) -> Result<(), DraftError> {
        let json: Value = serde_json::from_str(body).map_err(|error| DraftError::UnreadableAnswer {
            detail: error.to_string(),
        })?;
        if json.get("error").is_some_and(|error| !error.is_null()) {
            return Err(DraftError::Server {
                message: error_message(&json),
            });
        }
        let choice = json
            .get("choices")
            .and_then(|choices| choices.get(0))
            .ok_or_else(|| DraftError::UnreadableAnswer {
                detail: "it has no \"choices\"".to_owned(),
            })?;
        let message = choice.get("message").unwrap_or(&Value::Null);
        let text_of = |key: &str| message.get(key).and_then(Value::as_str).unwrap_or_default();
        self.text = text_of("content").to_owned();
        self.reasoning = [text_of("reasoning_content"), text_of("reasoning")].concat();
        // A whole body was sent, so it ended as the server meant even without a reason.
        self.finish_reason = Some(
            choice
                .get("finish_reason")
                .and_then(Value::as_str)
                .unwrap_or("stop")
                .to_owned(),
        );
        Ok(())
    }
}
