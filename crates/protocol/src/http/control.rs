//! Requests that change what the server does: interrupt and queue deletion.
//! Both routes answer 200 with an empty body whatever happened (traces e, f), so the
//! outcome is only known from the queue, history and socket afterwards.

use serde::{Deserialize, Serialize};

/// `POST /interrupt`. With a `prompt_id` it stops that prompt only if it is the running
/// one (else a silent no-op); without one it stops whatever runs, maybe someone else's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterruptRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
}

impl InterruptRequest {
    pub fn prompt(prompt_id: &str) -> Self {
        Self {
            prompt_id: Some(prompt_id.to_owned()),
        }
    }
}

/// `POST /queue`: `{"delete": [ids]}` removes pending prompts (never the running one);
/// `{"clear": true}` drops every client's pending prompts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clear: bool,
}

impl QueueRequest {
    pub fn delete(prompt_ids: &[&str]) -> Self {
        Self {
            delete: prompt_ids.iter().map(|id| (*id).to_owned()).collect(),
            clear: false,
        }
    }
}
