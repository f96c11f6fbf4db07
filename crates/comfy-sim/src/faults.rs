//! Fault injection behind `--faults`: the JSON contract of `POST/GET/DELETE /sim/faults`.
//!
//! POST merges a request into the active faults; one-shot actions (`drop_ws`, `restart`,
//! `clear_input`) act at once. GET shows every fault key, `null` when off. DELETE switches everything off.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// How long `{"restart": true}` refuses connections when `restart_ms` is not given.
pub const DEFAULT_RESTART_MS: u64 = 2000;

/// Body of `POST /sim/faults`; unknown keys are rejected so a typo cannot pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    #[serde(default)]
    pub drop_ws: bool,
    pub stall_ws_ms: Option<u64>,
    pub history_delay_ms: Option<u64>,
    #[serde(default)]
    pub restart: bool,
    pub restart_ms: Option<u64>,
    pub fail_class: Option<String>,
    pub http: Option<HttpFault>,
    pub view_delay_ms: Option<u64>,
    /// `POST /prompt` queues the prompt at once but holds its answer back this long, as
    /// an answer lost on its way (a page reloaded meanwhile never reads it).
    pub prompt_answer_delay_ms: Option<u64>,
    /// The next this many `/view` answers send half the file, then break the connection.
    pub cut_view_times: Option<u32>,
    pub interrupt_after_ms: Option<u64>,
    /// Empties the input folder, as a person cleaning it (or a container restarted on fresh
    /// storage) does: LoadImage of a file uploaded before then fails validation.
    #[serde(default)]
    pub clear_input: bool,
    /// The next this many uploads are answered as usual but their files never land in
    /// the input folder, as when another ComfyUI behind the same address took them.
    pub lose_uploads: Option<u32>,
}

/// Answer the next `times` requests to `path` (with or without `/api`), or to a path
/// under it (`/history` covers `/history/{prompt_id}`), with `status`; with `raised`, as
/// a handler that raised: aiohttp's own plain 500, without CORS headers (aiohttp.rs).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpFault {
    pub path: String,
    pub status: u16,
    pub times: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub raised: bool,
}

/// One use of an [`HttpFault`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InjectedAnswer {
    pub status: u16,
    pub raised: bool,
}

#[derive(Debug, Default)]
pub struct ActiveFaults {
    stall_ws_until: Option<Instant>,
    restart_until: Option<Instant>,
    pub history_delay_ms: Option<u64>,
    pub fail_class: Option<String>,
    http: Option<HttpFault>,
    pub view_delay_ms: Option<u64>,
    pub prompt_answer_delay_ms: Option<u64>,
    cut_view_times: Option<u32>,
    pub interrupt_after_ms: Option<u64>,
    lose_uploads: Option<u32>,
}

impl ActiveFaults {
    /// Records the lasting faults of `request`; the caller carries out its one-shot actions.
    pub fn apply(&mut self, request: &FaultRequest, now: Instant) {
        if let Some(ms) = request.stall_ws_ms {
            self.stall_ws_until = Some(now + Duration::from_millis(ms));
        }
        if request.restart {
            let ms = request.restart_ms.unwrap_or(DEFAULT_RESTART_MS);
            self.restart_until = Some(now + Duration::from_millis(ms));
        }
        if request.history_delay_ms.is_some() {
            self.history_delay_ms = request.history_delay_ms;
        }
        if request.fail_class.is_some() {
            self.fail_class.clone_from(&request.fail_class);
        }
        if request.http.is_some() {
            self.http.clone_from(&request.http);
        }
        if request.view_delay_ms.is_some() {
            self.view_delay_ms = request.view_delay_ms;
        }
        if request.prompt_answer_delay_ms.is_some() {
            self.prompt_answer_delay_ms = request.prompt_answer_delay_ms.filter(|ms| *ms > 0);
        }
        if request.cut_view_times.is_some() {
            self.cut_view_times = request.cut_view_times.filter(|times| *times > 0);
        }
        if request.interrupt_after_ms.is_some() {
            self.interrupt_after_ms = request.interrupt_after_ms;
        }
        if let Some(times) = request.lose_uploads {
            self.lose_uploads = (times > 0).then_some(times);
        }
    }

    /// Consumes one lost upload, if any are left: `true` means do not keep this file.
    pub fn take_lost_upload(&mut self) -> bool {
        let Some(left) = self.lose_uploads else {
            return false;
        };
        self.lose_uploads = (left > 1).then(|| left - 1);
        true
    }

    /// How long sockets must stay silent from `now`, if they are stalled.
    pub fn stall_remaining(&self, now: Instant) -> Option<Duration> {
        self.stall_ws_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|left| !left.is_zero())
    }

    pub fn is_restarting(&self, now: Instant) -> bool {
        self.restart_until.is_some_and(|until| now < until)
    }

    /// Consumes one use of the HTTP fault when `path` matches it.
    pub fn take_http_answer(&mut self, path: &str) -> Option<InjectedAnswer> {
        let fault = self.http.as_mut()?;
        let bare = path
            .strip_prefix("/api")
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(path);
        let under = |requested: &str| {
            requested
                .strip_prefix(fault.path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if !under(bare) && !under(path) {
            return None;
        }
        let answer = InjectedAnswer {
            status: fault.status,
            raised: fault.raised,
        };
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.http = None;
        }
        Some(answer)
    }

    /// Consumes one use of `cut_view_times`: whether this `/view` answer is to break off.
    pub fn take_view_cut(&mut self) -> bool {
        let Some(times) = self.cut_view_times else {
            return false;
        };
        self.cut_view_times = times.checked_sub(1).filter(|left| *left > 0);
        true
    }

    /// The `GET /sim/faults` body: every key present, durations as milliseconds left.
    pub fn to_json(&self, now: Instant) -> Value {
        let left_ms = |until: Option<Instant>| {
            until
                .and_then(|until| until.checked_duration_since(now))
                .map(|left| left.as_millis())
        };
        json!({
            "stall_ws_ms": left_ms(self.stall_ws_until),
            "restart_ms": left_ms(self.restart_until),
            "history_delay_ms": self.history_delay_ms,
            "fail_class": self.fail_class,
            "http": self.http,
            "view_delay_ms": self.view_delay_ms,
            "prompt_answer_delay_ms": self.prompt_answer_delay_ms,
            "cut_view_times": self.cut_view_times,
            "interrupt_after_ms": self.interrupt_after_ms,
            "lose_uploads": self.lose_uploads,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_fault_answers_its_path_the_given_number_of_times_then_stops() {
        let mut faults = ActiveFaults::default();
        let request: FaultRequest =
            serde_json::from_value(json!({"http": {"path": "/prompt", "status": 500, "times": 2}})).unwrap();
        faults.apply(&request, Instant::now());
        assert_eq!(faults.take_http_answer("/queue"), None);
        assert_eq!(
            faults.take_http_answer("/api/prompt").map(|a| a.status),
            Some(500)
        );
        assert_eq!(faults.take_http_answer("/prompt").map(|a| a.status), Some(500));
        assert_eq!(faults.take_http_answer("/prompt"), None);
    }

    #[test]
    fn http_fault_covers_the_paths_under_its_own() {
        let mut faults = ActiveFaults::default();
        let request: FaultRequest =
            serde_json::from_value(json!({"http": {"path": "/history", "status": 500, "times": 3}})).unwrap();
        faults.apply(&request, Instant::now());
        assert_eq!(faults.take_http_answer("/history_extra"), None);
        assert_eq!(
            faults.take_http_answer("/api/history/abc").map(|a| a.status),
            Some(500)
        );
        assert_eq!(faults.take_http_answer("/history").map(|a| a.status), Some(500));
    }

    #[test]
    fn lost_uploads_are_counted_down_then_uploads_are_kept_again() {
        let mut faults = ActiveFaults::default();
        let request: FaultRequest = serde_json::from_value(json!({"lose_uploads": 2})).unwrap();
        faults.apply(&request, Instant::now());
        assert_eq!(faults.to_json(Instant::now())["lose_uploads"], 2);
        assert!(faults.take_lost_upload());
        assert!(faults.take_lost_upload());
        assert!(!faults.take_lost_upload());
        assert!(faults.to_json(Instant::now())["lose_uploads"].is_null());
    }

    #[test]
    fn unknown_fault_keys_are_rejected() {
        assert!(serde_json::from_value::<FaultRequest>(json!({"drop_sockets": true})).is_err());
    }
}
