//! An incremental parser for the server-sent events of a streamed chat completion.
//!
//! Chunks arrive split anywhere, even inside a UTF-8 character: bytes are kept until a
//! line ends (LF, CRLF or a lone CR, as the SSE spec allows) and only whole lines are
//! decoded, so a split character is joined again before it is read.

use std::mem;

use serde_json::Value;

/// What one `data:` payload said. A single chunk may say several things (Ollama's last
/// chunk carries an empty delta and the finish reason).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Text of the answer (`choices[0].delta.content`).
    Content(String),
    /// A reasoning model's thinking (`delta.reasoning_content` in llama.cpp and LM Studio,
    /// `delta.reasoning` in Ollama), shown while waiting but never parsed.
    Reasoning(String),
    /// `choices[0].finish_reason`: `stop`, or `length` when the token limit cut the answer.
    Finish(String),
    /// `data: [DONE]`, the OpenAI end marker.
    Done,
    /// `{"error": ...}` in a data line, or an `event: error`.
    Error(String),
}

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The last byte was CR, so an LF right after it ends no further line.
    after_cr: bool,
    event_name: String,
    data: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, chunk: &[u8]) -> Vec<StreamEvent> {
        let mut events = Vec::new();
        for &byte in chunk {
            let after_cr = mem::replace(&mut self.after_cr, byte == b'\r');
            match byte {
                b'\n' if after_cr => {}
                b'\n' | b'\r' => self.end_line(&mut events),
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// The body ended: a last event without its closing blank line still counts.
    pub fn end(&mut self) -> Vec<StreamEvent> {
        let mut events = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut events);
        }
        self.dispatch(&mut events);
        events
    }

    /// Bytes of a line still waiting for its end, to bound what a broken server can pile up.
    pub fn pending_bytes(&self) -> usize {
        self.line.len() + self.data.as_ref().map_or(0, String::len)
    }

    fn end_line(&mut self, events: &mut Vec<StreamEvent>) {
        let line = String::from_utf8_lossy(&mem::take(&mut self.line)).into_owned();
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((&line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "data" => {
                // Some proxies drop the blank line between events; a payload that is
                // already whole is one event, not the first line of a longer one.
                if self.data.as_deref().is_some_and(is_whole_payload) {
                    self.dispatch(events);
                }
                match &mut self.data {
                    Some(data) => {
                        data.push('\n');
                        data.push_str(value);
                    }
                    None => self.data = Some(value.to_owned()),
                }
            }
            "event" => self.event_name = value.to_owned(),
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut Vec<StreamEvent>) {
        let event_name = mem::take(&mut self.event_name);
        let Some(data) = self.data.take() else {
            return;
        };
        let data = data.trim();
        if data == "[DONE]" {
            events.push(StreamEvent::Done);
            return;
        }
        match serde_json::from_str::<Value>(data) {
            Ok(payload) if event_name == "error" || payload.get("error").is_some_and(|e| !e.is_null()) => {
                events.push(StreamEvent::Error(error_message(&payload)));
            }
            Ok(payload) => read_chunk(&payload, events),
            Err(_) if event_name == "error" => events.push(StreamEvent::Error(data.to_owned())),
            // A keep-alive or a line of a protocol this parser does not know: nothing to add.
            Err(_) => {}
        }
    }
}

fn is_whole_payload(data: &str) -> bool {
    data.trim() == "[DONE]" || serde_json::from_str::<serde::de::IgnoredAny>(data).is_ok()
}

fn read_chunk(payload: &Value, events: &mut Vec<StreamEvent>) {
    let Some(choice) = payload.get("choices").and_then(|choices| choices.get(0)) else {
        return;
    };
    let delta = choice.get("delta").or_else(|| choice.get("message"));
    let text_of = |key: &str| {
        delta
            .and_then(|delta| delta.get(key))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    if let Some(reasoning) = text_of("reasoning_content").or_else(|| text_of("reasoning")) {
        events.push(StreamEvent::Reasoning(reasoning.to_owned()));
    }
    // `text` is the legacy completions shape, which some llama.cpp builds still stream.
    let content = text_of("content").or_else(|| choice.get("text").and_then(Value::as_str));
    if let Some(content) = content.filter(|text| !text.is_empty()) {
        events.push(StreamEvent::Content(content.to_owned()));
    }
    if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
        events.push(StreamEvent::Finish(reason.to_owned()));
    }
}

/// `{"error": {"message": ...}}`, `{"error": "..."}` or anything else, as one line
/// without a final full stop (the sentence it goes into has its own).
pub(crate) fn error_message(payload: &Value) -> String {
    let error = payload.get("error").unwrap_or(payload);
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| error.as_str())
        .map_or_else(|| error.to_string(), str::to_owned);
    message.trim().trim_end_matches('.').to_owned()
}
