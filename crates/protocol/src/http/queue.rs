//! `GET /queue`: what runs and what waits, on the whole server.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};

/// The body of `GET /api/queue`. `queue_pending` is a heap dump, not sorted (trace d:
/// `[-21, 16, -20, 19, 17, 18]`): see [`crate::job::queue_position`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct QueueSnapshot {
    #[serde(default)]
    pub queue_running: Vec<QueueItem>,
    #[serde(default)]
    pub queue_pending: Vec<QueueItem>,
}

/// One queue item, stripped. On the wire it is `[number, prompt_id, prompt, extra_data,
/// outputs_to_execute]`, where `prompt` is the whole workflow (large); only the fields a
/// client needs are kept, and the workflow is skipped while parsing, never held.
/// `/history` entries carry the same array as their `prompt`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    /// Execution order: ascending. A float when a client supplied one (trace c),
    /// negative for `front: true` (trace d).
    pub number: f64,
    pub prompt_id: String,
    /// Which client submitted it (`extra_data.client_id`), when the server said.
    pub client_id: Option<String>,
    pub outputs_to_execute: Vec<String>,
}

impl QueueSnapshot {
    pub fn is_running(&self, prompt_id: &str) -> bool {
        self.queue_running.iter().any(|item| item.prompt_id == prompt_id)
    }

    pub fn pending(&self, prompt_id: &str) -> Option<&QueueItem> {
        self.queue_pending.iter().find(|item| item.prompt_id == prompt_id)
    }
}

#[derive(Deserialize)]
struct ExtraData {
    #[serde(default)]
    client_id: Option<String>,
}

impl<'de> Deserialize<'de> for QueueItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(QueueItemVisitor)
    }
}

struct QueueItemVisitor;

impl<'de> Visitor<'de> for QueueItemVisitor {
    type Value = QueueItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a queue item [number, prompt_id, prompt?, extra_data?, outputs_to_execute?]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<QueueItem, A::Error> {
        let number: f64 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let prompt_id: String = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        // The recorder compacts polled items to `[number, prompt_id]` (trace d), and a
        // stripped item is all a client needs: the rest is optional.
        let _workflow: Option<IgnoredAny> = seq.next_element()?;
        let extra: Option<Option<ExtraData>> = seq.next_element()?;
        let outputs: Option<Option<Vec<String>>> = seq.next_element()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(QueueItem {
            number,
            prompt_id,
            client_id: extra.flatten().and_then(|extra| extra.client_id),
            outputs_to_execute: outputs.flatten().unwrap_or_default(),
        })
    }
}
