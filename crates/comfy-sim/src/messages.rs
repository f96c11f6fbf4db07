//! Builders for the JSON text messages the server sends on `/ws`.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::ws::Message;
use serde_json::{Value, json};

/// `{"type": kind, "data": data}` as one WebSocket text frame.
pub fn event(kind: &str, data: Value) -> Message {
    Message::text(json!({"type": kind, "data": data}).to_string())
}

/// The broadcast queue-length message; the first one after connect also carries `sid`.
pub fn status(queue_remaining: usize, sid: Option<&str>) -> Message {
    let mut data = json!({"status": {"exec_info": {"queue_remaining": queue_remaining}}});
    if let Some(sid) = sid {
        data["sid"] = json!(sid);
    }
    event("status", data)
}

/// Milliseconds since the Unix epoch, as ComfyUI stamps `execution_*` messages.
pub fn timestamp_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
