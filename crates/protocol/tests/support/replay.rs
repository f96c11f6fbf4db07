//! Feeds a recorded trace through the job state machine the way the app would: a job
//! per submitted prompt, socket messages routed by prompt id (or to the running job),
//! queue polls to every job, history lookups reconciled with the latest queue poll.

use std::collections::BTreeMap;

use serde_json::Value;
use shotline_protocol::http::{ApiPrompt, History, PromptRejected};
use shotline_protocol::job::{Effect, Job, JobEvent, JobState, attribute_message, running_prompt};
use shotline_protocol::{QueueSnapshot, ServerMessage, apply, reconcile_job};

use super::events;

#[derive(Default)]
pub struct Replay {
    pub jobs: BTreeMap<String, Job>,
    /// Every state each job went through, consecutive duplicates removed.
    pub states: BTreeMap<String, Vec<JobState>>,
    /// Every effect other than `None` each job asked for, in order.
    pub effects: BTreeMap<String, Vec<Effect>>,
    /// The job each per-prompt message without a prompt id was given to, in order.
    pub attributed_without_id: Vec<Option<String>>,
    /// POST /prompt request id → the prompt id it submitted (known before the answer).
    submits: BTreeMap<u64, Option<String>>,
    /// POST /prompt request id → its workflow, for prompts whose id the server made.
    workflows: BTreeMap<u64, ApiPrompt>,
    last_queue: Option<QueueSnapshot>,
}

impl Replay {
    pub fn run(trace: &Value) -> Self {
        let mut replay = Self::default();
        for event in events(trace) {
            let now_ms = event["t"].as_f64().unwrap() as u64;
            match event["kind"].as_str().unwrap() {
                "http_request" => replay.request(event, now_ms),
                "http_response" | "http_poll" => replay.response(event, now_ms),
                "ws_message" if event["msg"]["binary"] != true => replay.message(&event["msg"], now_ms),
                _ => {}
            }
        }
        replay
    }

    /// The app fetched every file of every job that was fetching outputs.
    pub fn fetch_all_outputs(&mut self) {
        let fetching: Vec<String> = self
            .jobs
            .iter()
            .filter(|(_, job)| matches!(job.state(), JobState::FetchingOutputs { outputs: Some(_) }))
            .map(|(id, _)| id.clone())
            .collect();
        for id in fetching {
            self.feed(&id, JobEvent::OutputsFetched, 0);
        }
    }

    pub fn state(&self, prompt_id: &str) -> &JobState {
        self.jobs
            .get(prompt_id)
            .unwrap_or_else(|| panic!("no job {prompt_id}"))
            .state()
    }

    pub fn states_of(&self, prompt_id: &str) -> &[JobState] {
        &self.states[prompt_id]
    }

    pub fn effects_of(&self, prompt_id: &str) -> &[Effect] {
        self.effects.get(prompt_id).map_or(&[], Vec::as_slice)
    }

    pub fn feed(&mut self, prompt_id: &str, event: JobEvent<'_>, now_ms: u64) {
        let Some(job) = self.jobs.get_mut(prompt_id) else {
            return;
        };
        let effect = apply(job, event, now_ms);
        self.record(prompt_id, effect);
    }

    fn record(&mut self, prompt_id: &str, effect: Effect) {
        let state = self.jobs[prompt_id].state().clone();
        let states = self.states.entry(prompt_id.to_owned()).or_default();
        if states.last() != Some(&state) {
            states.push(state);
        }
        if effect != Effect::None {
            self.effects.entry(prompt_id.to_owned()).or_default().push(effect);
        }
    }

    fn start_job(&mut self, prompt_id: &str, workflow: &ApiPrompt) {
        self.jobs
            .insert(prompt_id.to_owned(), Job::new(prompt_id, workflow));
        self.states
            .insert(prompt_id.to_owned(), vec![JobState::Submitting]);
    }

    fn request(&mut self, event: &Value, now_ms: u64) {
        let body = &event["json"];
        match (event["method"].as_str().unwrap(), event["path"].as_str().unwrap()) {
            ("POST", "/prompt") => {
                let id = event["id"].as_u64().unwrap();
                let workflow: Option<ApiPrompt> = serde_json::from_value(body["prompt"].clone()).ok();
                let prompt_id = body["prompt_id"].as_str().map(str::to_owned);
                if let (Some(prompt_id), Some(workflow)) = (&prompt_id, &workflow) {
                    self.start_job(prompt_id, workflow);
                }
                if let Some(workflow) = workflow {
                    self.workflows.insert(id, workflow);
                }
                self.submits.insert(id, prompt_id);
            }
            // The app cancels a pending job by deleting it and a running one by a targeted
            // interrupt; the recorder's other calls (deleting the running id, a global
            // interrupt) are not the app's cancels.
            ("POST", "/queue") => {
                for prompt_id in body["delete"].as_array().into_iter().flatten() {
                    let prompt_id = prompt_id.as_str().unwrap();
                    if matches!(
                        self.jobs.get(prompt_id).map(Job::state),
                        Some(JobState::Queued { .. })
                    ) {
                        self.feed(prompt_id, JobEvent::CancelRequested, now_ms);
                    }
                }
            }
            ("POST", "/interrupt") => {
                if let Some(prompt_id) = body["prompt_id"].as_str() {
                    self.feed(prompt_id, JobEvent::CancelRequested, now_ms);
                }
            }
            _ => {}
        }
    }

    fn response(&mut self, event: &Value, now_ms: u64) {
        let path = event["path"].as_str().unwrap();
        let status = event["status"].as_u64().unwrap();
        match event["method"].as_str().unwrap() {
            "POST" if path == "/prompt" => self.submit_answer(event, status, now_ms),
            "GET" if path == "/queue" => {
                let snapshot: QueueSnapshot = serde_json::from_value(event["json"].clone()).unwrap();
                let ids: Vec<String> = self.jobs.keys().cloned().collect();
                for id in ids {
                    self.feed(&id, JobEvent::Queue(&snapshot), now_ms);
                }
                self.last_queue = Some(snapshot);
            }
            "GET" if path.starts_with("/history/") => {
                let prompt_id = path.trim_start_matches("/history/");
                let history: History = serde_json::from_value(event["json"].clone()).unwrap();
                self.history(prompt_id, &history, now_ms);
            }
            _ => {}
        }
    }

    fn submit_answer(&mut self, event: &Value, status: u64, now_ms: u64) {
        let id = event["id"].as_u64().unwrap();
        let body = &event["json"];
        let known = self.submits.get(&id).cloned().flatten();
        let prompt_id = match (
            known,
            body["prompt_id"].as_str(),
            self.workflows.get(&id).cloned(),
        ) {
            (Some(prompt_id), _, _) => prompt_id,
            // The server made the id (trace a phase 3): only now can the job exist.
            (None, Some(made), Some(workflow)) if status == 200 => {
                self.start_job(made, &workflow);
                made.to_owned()
            }
            _ => return,
        };
        match status {
            200 => self.feed(&prompt_id, JobEvent::SubmitAccepted, now_ms),
            400 => {
                let rejected: PromptRejected = serde_json::from_value(body.clone()).unwrap();
                self.feed(&prompt_id, JobEvent::SubmitRejected(&rejected), now_ms);
            }
            other => {
                let text = event["text"].as_str().unwrap_or_default();
                let status = u16::try_from(other).unwrap();
                self.feed(&prompt_id, JobEvent::SubmitFailed { status, body: text }, now_ms);
            }
        }
    }

    fn history(&mut self, prompt_id: &str, history: &History, now_ms: u64) {
        let entry = history.entry(prompt_id);
        match (self.jobs.get_mut(prompt_id), &self.last_queue) {
            (Some(job), Some(queue)) => {
                let effect = reconcile_job(job, queue, entry, false);
                self.record(prompt_id, effect);
            }
            (Some(_), None) => self.feed(prompt_id, JobEvent::History(entry), now_ms),
            (None, _) => {}
        }
    }

    fn message(&mut self, msg: &Value, now_ms: u64) {
        let message = ServerMessage::parse(&msg.to_string()).unwrap();
        let target = attribute_message(&message, running_prompt(self.jobs.values())).map(str::to_owned);
        if message.prompt_id().is_none() && message.is_about_a_prompt() {
            self.attributed_without_id.push(target.clone());
        }
        if let Some(prompt_id) = target {
            self.feed(&prompt_id, JobEvent::Message(&message), now_ms);
        }
    }
}
