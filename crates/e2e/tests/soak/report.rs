//! What the soak saw, from observe.js's per-card records and the injector's log: counts
//! per final state, jobs that never ended (hung), Lost split by whether the restart can
//! explain it, Failed grouped by reason, and the longest wait without a visible change.

use std::collections::BTreeMap;

use serde_json::Value;

use super::faults::{Injected, Restart};

const FINAL_WORDS: [&str; 4] = ["Done", "Failed", "Cancelled", "Lost"];
const TOP_REASONS: usize = 10;

/// One shot card as observe.js recorded it.
#[derive(Debug)]
pub struct Card {
    pub label: String,
    pub text: String,
    pub first_ms: u64,
    pub last_ms: u64,
    pub final_ms: Option<u64>,
    pub gap_ms: u64,
    pub gap_from: String,
    pub gap_to: String,
    pub host: Option<String>,
    pub words: Vec<String>,
    pub reopened: u64,
    pub now_ms: u64,
}

impl Card {
    pub fn from_json(value: &Value) -> Option<Self> {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let number = |key: &str| value.get(key).and_then(Value::as_f64).map(|n| n as u64);
        Some(Self {
            label: text("label"),
            text: text("text"),
            first_ms: number("first_ms")?,
            last_ms: number("last_ms")?,
            final_ms: number("final_ms"),
            gap_ms: number("gap_ms").unwrap_or_default(),
            gap_from: text("gap_from"),
            gap_to: text("gap_to"),
            host: value.get("host").and_then(Value::as_str).map(str::to_owned),
            words: value
                .get("words")
                .and_then(Value::as_array)
                .map(|words| {
                    words
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            reopened: number("reopened").unwrap_or_default(),
            now_ms: number("now_ms")?,
        })
    }

    fn state_word(&self) -> &str {
        self.text.split([' ', '—']).next().unwrap_or_default()
    }

    fn is_final(&self) -> bool {
        self.final_ms.is_some()
    }

    /// The longest wait between two visible changes, counting an unfinished job's wait
    /// since its last change up to now.
    fn longest_silence_ms(&self) -> u64 {
        if self.is_final() {
            self.gap_ms
        } else {
            self.gap_ms.max(self.now_ms.saturating_sub(self.last_ms))
        }
    }

    /// On the restarted server, shown before it was back and not finished before it went
    /// down: the restart may have made it forget this job.
    fn caught_by(&self, restart: &Restart) -> bool {
        self.host.as_deref() == Some(restart.host.as_str())
            && self.first_ms <= restart.ended_ms
            && self.final_ms.is_none_or(|end| end >= restart.started_ms)
    }
}

#[derive(Debug, Default)]
pub struct Verdict {
    pub hung: usize,
    pub lost_without_restart: usize,
}

/// Prints the report as `SOAK …` lines and returns what decides the run.
pub fn print(cards: &[Card], prompts: usize, injected: &Injected, generate_all_running: bool) -> Verdict {
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for card in cards {
        *states.entry(card.state_word()).or_default() += 1;
    }
    let never_started = prompts.saturating_sub(cards.len());
    for (state, count) in &states {
        let kind = if FINAL_WORDS.contains(state) {
            "final"
        } else {
            "unfinished"
        };
        println!("SOAK state {state} {count} ({kind})");
    }
    // Shots without a job are not hung jobs: Generate all skipped them (it could not build
    // their request) or had not reached them when the time bound stopped the run.
    let why = if generate_all_running {
        "not reached: Generate all was still running"
    } else {
        "Generate all finished without a job for them"
    };
    println!("SOAK state no-job {never_started} ({why})");
    let unfinished: Vec<&Card> = cards.iter().filter(|card| !card.is_final()).collect();
    let hung = unfinished.len();
    for card in unfinished.iter().take(TOP_REASONS) {
        println!(
            "SOAK hung_card {}: {:?} unchanged for {:.1} s (states {})",
            card.label,
            card.text,
            card.now_ms.saturating_sub(card.last_ms) as f64 / 1000.0,
            card.words.join(" → ")
        );
    }
    println!("SOAK hung {hung}");

    let lost: Vec<&Card> = cards.iter().filter(|card| card.state_word() == "Lost").collect();
    let explained = |card: &&Card| {
        injected
            .restart
            .as_ref()
            .is_some_and(|restart| card.caught_by(restart))
    };
    let (with_restart, without): (Vec<&Card>, Vec<&Card>) = lost.into_iter().partition(explained);
    println!("SOAK lost_expected_with_restart {}", with_restart.len());
    // Times from the restart's start, so a reader can place each Lost against it.
    let origin = injected.restart.as_ref().map_or(0, |restart| restart.started_ms);
    let since = |ms: u64| (ms as f64 - origin as f64) / 1000.0;
    for card in &without {
        println!(
            "SOAK lost_card {} on {}: states {}; shown at {:+.1} s, Lost at {:+.1} s from the restart",
            card.label,
            card.host.as_deref().unwrap_or("?"),
            card.words.join(" → "),
            since(card.first_ms),
            since(card.final_ms.unwrap_or(card.now_ms)),
        );
    }
    println!("SOAK lost_without_restart {}", without.len());

    print_failed_reasons(cards);
    print_silences(cards);
    let reopened: u64 = cards.iter().map(|card| card.reopened).sum();
    println!("SOAK final_state_reopened {reopened} (a final state that turned live again)");
    print_injected(injected);
    Verdict {
        hung,
        lost_without_restart: without.len(),
    }
}

/// Failed lines grouped, the server's address left out so the same reason counts once.
fn print_failed_reasons(cards: &[Card]) {
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for card in cards.iter().filter(|card| card.state_word() == "Failed") {
        let reason = match &card.host {
            Some(host) => card.text.replace(host.as_str(), "<server>"),
            None => card.text.clone(),
        };
        *reasons.entry(reason).or_default() += 1;
    }
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    reasons.sort_by_key(|reason| std::cmp::Reverse(reason.1));
    for (reason, count) in reasons.iter().take(TOP_REASONS) {
        println!("SOAK failed_reason {count} × {reason}");
    }
}

/// The longest time any job showed the same state line, and how many waited long.
fn print_silences(cards: &[Card]) {
    let longest = cards.iter().max_by_key(|card| card.longest_silence_ms());
    match longest {
        Some(card) => println!(
            "SOAK longest_silence_ms {} ({}: {:?} → {:?})",
            card.longest_silence_ms(),
            card.label,
            card.gap_from,
            if card.is_final() || card.gap_ms >= card.now_ms - card.last_ms {
                card.gap_to.as_str()
            } else {
                "(no change yet)"
            }
        ),
        None => println!("SOAK longest_silence_ms 0 (no job was seen)"),
    }
    for seconds in [5, 10, 30] {
        let count = cards
            .iter()
            .filter(|card| card.longest_silence_ms() > seconds * 1000)
            .count();
        println!("SOAK silences_over_{seconds}s {count}");
    }
    let mut lifetimes: Vec<u64> = cards
        .iter()
        .filter_map(|card| card.final_ms.map(|end| end - card.first_ms))
        .collect();
    lifetimes.sort_unstable();
    if let Some(longest) = lifetimes.last() {
        let median = lifetimes[lifetimes.len() / 2];
        println!("SOAK job_lifetime_ms median {median} max {longest} (first state shown → final state)");
    }
}

fn print_injected(injected: &Injected) {
    let counts: Vec<String> = injected
        .counts
        .iter()
        .map(|(kind, count)| format!("{kind}={count}"))
        .collect();
    println!("SOAK faults {}", counts.join(" "));
    match &injected.restart {
        Some(restart) => println!(
            "SOAK restart {} down {} ms",
            restart.host,
            restart.ended_ms - restart.started_ms
        ),
        None => println!("SOAK restart none (the run ended before its moment)"),
    }
    for refused in &injected.refused {
        println!("SOAK fault_refused {refused}");
    }
}
