//! Whether a shot ran twice: every prompt each server accepted (comfy-sim's
//! `GET /sim/prompts`, which restarts and history clears do not empty), told apart by the
//! "(shot N)" each shot's prompt text carries. Generate all wants one take per shot, so
//! two prompts of one shot that both began to run are a shot submitted twice. A prompt
//! that was queued but never ran (a restart forgot it) and was then sent again cost
//! nothing: it is counted apart, as a resend.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde_json::Value;
use shotline_e2e::Sim;

use super::faults::host;

/// One prompt a server accepted.
#[derive(Debug, Clone)]
pub struct ServerPrompt {
    pub host: String,
    pub prompt_id: String,
    pub accepted: u64,
    pub started: bool,
}

/// What the servers were asked to run, per shot number.
#[derive(Debug, Default)]
pub struct Submissions {
    pub by_shot: BTreeMap<usize, Vec<ServerPrompt>>,
    /// Accepted prompts without a "(shot N)" in them: not the soak's.
    pub unattributed: usize,
}

impl Submissions {
    pub async fn read(sims: &[Sim]) -> Result<Self> {
        let mut submissions = Self::default();
        for sim in sims {
            let log = sim.get_json("/sim/prompts").await.context("GET /sim/prompts")?;
            let entries = log.as_array().context("/sim/prompts is not a list")?;
            for entry in entries {
                let prompt = ServerPrompt {
                    host: host(sim),
                    prompt_id: entry["prompt_id"].as_str().unwrap_or_default().to_owned(),
                    accepted: entry["accepted"].as_u64().unwrap_or(1),
                    started: entry["started"].as_bool().unwrap_or(false),
                };
                match shot_number(&entry["prompt"]) {
                    Some(shot) => submissions.by_shot.entry(shot).or_default().push(prompt),
                    None => submissions.unattributed += 1,
                }
            }
        }
        Ok(submissions)
    }

    /// Shots whose prompts began to run more than once (a prompt id queued twice runs
    /// twice).
    pub fn ran_twice(&self) -> Vec<(usize, &[ServerPrompt])> {
        self.by_shot
            .iter()
            .filter(|(_, prompts)| runs(prompts) > 1)
            .map(|(shot, prompts)| (*shot, prompts.as_slice()))
            .collect()
    }

    /// Shots sent more than once where only one of the prompts ran.
    pub fn resent(&self) -> usize {
        self.by_shot
            .values()
            .filter(|prompts| prompts.len() > 1 && runs(prompts) <= 1)
            .count()
    }

    pub fn prompts(&self) -> usize {
        self.by_shot.values().map(Vec::len).sum()
    }

    pub fn started(&self) -> usize {
        self.by_shot
            .values()
            .flatten()
            .filter(|prompt| prompt.started)
            .count()
    }
}

fn runs(prompts: &[ServerPrompt]) -> u64 {
    prompts
        .iter()
        .filter(|prompt| prompt.started)
        .map(|prompt| prompt.accepted)
        .sum()
}

/// The N of "(shot N)" in any text input of the workflow.
fn shot_number(prompt: &Value) -> Option<usize> {
    let text = prompt.to_string();
    let (_, after) = text.split_once("(shot ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prompt(started: bool, accepted: u64) -> ServerPrompt {
        ServerPrompt {
            host: "h".into(),
            prompt_id: "p".into(),
            accepted,
            started,
        }
    }

    #[test]
    fn the_shot_is_read_from_the_prompt_text_of_any_node() {
        let workflow =
            json!({"6": {"inputs": {"text": "A lighthouse (shot 42)"}, "class_type": "CLIPTextEncode"}});
        assert_eq!(shot_number(&workflow), Some(42));
        assert_eq!(
            shot_number(&json!({"6": {"inputs": {"text": "no number"}}})),
            None
        );
    }

    #[test]
    fn two_prompts_that_ran_are_a_duplicate_but_one_forgotten_before_it_ran_is_a_resend() {
        let mut submissions = Submissions::default();
        submissions
            .by_shot
            .insert(1, vec![prompt(true, 1), prompt(true, 1)]);
        submissions
            .by_shot
            .insert(2, vec![prompt(false, 1), prompt(true, 1)]);
        submissions.by_shot.insert(3, vec![prompt(true, 2)]);
        submissions.by_shot.insert(4, vec![prompt(true, 1)]);
        let twice: Vec<usize> = submissions.ran_twice().iter().map(|(shot, _)| *shot).collect();
        assert_eq!(twice, [1, 3]);
        assert_eq!(submissions.resent(), 1);
    }
}
