//! With `--faults`, every prompt the simulator accepted and whether it started running,
//! kept across the `restart` fault and history clears (both forget queue and history):
//! a test can count what the server was really asked to run, e.g. the soak's check that
//! no shot was submitted twice.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize)]
pub struct LoggedPrompt {
    pub prompt_id: String,
    /// The workflow as queued (API format), for a test to tell whose prompt it was.
    pub prompt: Map<String, Value>,
    /// How often `POST /prompt` queued this prompt id: more than once is a client that
    /// sent the same prompt again.
    pub accepted: u32,
    /// The worker took it from the queue (it ran, or at least began to).
    pub started: bool,
}

#[derive(Debug, Default)]
pub struct PromptLog {
    entries: Vec<LoggedPrompt>,
    by_id: HashMap<String, usize>,
}

impl PromptLog {
    pub fn accepted(&mut self, prompt_id: &str, prompt: &Map<String, Value>) {
        match self.by_id.get(prompt_id) {
            Some(&at) => self.entries[at].accepted += 1,
            None => {
                self.by_id.insert(prompt_id.to_owned(), self.entries.len());
                self.entries.push(LoggedPrompt {
                    prompt_id: prompt_id.to_owned(),
                    prompt: prompt.clone(),
                    accepted: 1,
                    started: false,
                });
            }
        }
    }

    pub fn started(&mut self, prompt_id: &str) {
        if let Some(&at) = self.by_id.get(prompt_id) {
            self.entries[at].started = true;
        }
    }

    /// In the order the prompts were first accepted.
    pub fn entries(&self) -> &[LoggedPrompt] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_id_queued_twice_is_one_entry_accepted_twice_and_starting_marks_it() {
        let mut log = PromptLog::default();
        let prompt = Map::new();
        log.accepted("a", &prompt);
        log.accepted("b", &prompt);
        log.accepted("a", &prompt);
        log.started("b");
        log.started("unknown");
        let seen: Vec<(&str, u32, bool)> = log
            .entries()
            .iter()
            .map(|entry| (entry.prompt_id.as_str(), entry.accepted, entry.started))
            .collect();
        assert_eq!(seen, [("a", 2, false), ("b", 1, true)]);
    }
}
