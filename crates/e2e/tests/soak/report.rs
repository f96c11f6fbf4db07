//! What the soak saw, from the per-card records (cards.rs), the servers' logs of accepted
//! prompts (duplicates.rs) and the injector's log: counts per final state, jobs that never
//! ended (hung), Lost split by what explains it (the restart, a history clear, a reload),
//! queue entries lost, shots run twice, Failed grouped by reason, and the longest wait
//! without a visible change.

use std::collections::BTreeMap;

use super::cards::{Card, is_final_word};
use super::duplicates::Submissions;
use super::faults::{Injected, Restart};

const TOP_REASONS: usize = 10;
/// A history clear this long before a card first showed its job still explains its Lost
/// (the two clocks are the same machine's, the records' times a poll late).
const CLEAR_SLACK_MS: u64 = 1_000;

impl Card {
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

    /// Whether `at_ms` falls while this card's job (or an earlier one of it) was live.
    fn live_at(&self, at_ms: u64, slack_ms: u64) -> bool {
        self.first_ms.saturating_sub(slack_ms) <= at_ms && self.final_ms.is_none_or(|end| at_ms <= end)
    }
}

/// What injected event explains a Lost card, if any.
fn lost_cause(card: &Card, injected: &Injected) -> Option<&'static str> {
    if injected
        .restart
        .as_ref()
        .is_some_and(|restart| card.caught_by(restart))
    {
        return Some("restart");
    }
    let forgotten =
        card.text.contains("history of this shot was cleared") || card.text.contains("no longer knows");
    let cleared_here = injected.clears.iter().any(|(host, at_ms)| {
        card.host.as_ref().is_none_or(|shown| shown == host) && card.live_at(*at_ms, CLEAR_SLACK_MS)
    });
    if forgotten && cleared_here {
        return Some("clear");
    }
    let interrupted = card.text.contains("interrupted by a reload");
    if interrupted && injected.reloads.iter().any(|at_ms| card.live_at(*at_ms, 0)) {
        return Some("reload");
    }
    None
}

#[derive(Debug, Default)]
pub struct Verdict {
    pub hung: usize,
    pub lost_without_restart: usize,
    pub duplicates: usize,
    pub lost_entries: usize,
    pub queue_unfinished: bool,
}

/// Everything the report reads.
pub struct Ending<'a> {
    pub cards: &'a [Card],
    pub prompts: usize,
    pub injected: &'a Injected,
    pub generate_all_running: bool,
    /// The render queue's line at the end: its summary once it finished.
    pub queue_line: &'a str,
    pub submissions: &'a Submissions,
}

/// Prints the report as `SOAK …` lines and returns what decides the run.
pub fn print(end: &Ending) -> Verdict {
    let Ending { cards, injected, .. } = *end;
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for card in cards {
        *states.entry(card.state_word()).or_default() += 1;
    }
    for (state, count) in &states {
        let kind = if is_final_word(state) {
            "final"
        } else {
            "unfinished"
        };
        println!("SOAK state {state} {count} ({kind})");
    }
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
    let lost_without_restart = print_lost(cards, injected);
    let (lost_entries, queue_unfinished) = print_entries(end);
    let duplicates = print_duplicates(end);

    print_failed_reasons(cards);
    print_silences(cards);
    let reopened: u64 = cards.iter().map(|card| card.reopened).sum();
    println!("SOAK final_state_reopened {reopened} (a final state that turned live again)");
    print_injected(injected);
    Verdict {
        hung,
        lost_without_restart,
        duplicates,
        lost_entries,
        queue_unfinished,
    }
}

/// Lost cards by what explains them; returns how many nothing injected explains.
fn print_lost(cards: &[Card], injected: &Injected) -> usize {
    let mut by_cause: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for card in cards.iter().filter(|card| card.state_word() == "Lost") {
        match lost_cause(card, injected) {
            Some(cause) => *by_cause.entry(cause).or_default() += 1,
            None => unexplained.push(card),
        }
    }
    for cause in ["restart", "clear", "reload"] {
        println!(
            "SOAK lost_by_{cause} {}",
            by_cause.get(cause).copied().unwrap_or(0)
        );
    }
    // Times from the restart's start, so a reader can place each Lost against it.
    let origin = injected.restart.as_ref().map_or(0, |restart| restart.started_ms);
    let since = |ms: u64| (ms as f64 - origin as f64) / 1000.0;
    for card in &unexplained {
        println!(
            "SOAK lost_card {} on {}: {:?}; states {}; shown at {:+.1} s, Lost at {:+.1} s from the restart",
            card.label,
            card.host.as_deref().unwrap_or("?"),
            card.text,
            card.words.join(" → "),
            since(card.first_ms),
            since(card.final_ms.unwrap_or(card.now_ms)),
        );
    }
    println!(
        "SOAK lost_without_restart {} (Lost that no restart, history clear or reload explains)",
        unexplained.len()
    );
    unexplained.len()
}

/// Every shot must have ended on its card, and the queue's summary must count each one
/// (one take per shot): a shot without either is a queue entry lost. Returns the lost
/// entries and whether the queue never showed its summary.
fn print_entries(end: &Ending) -> (usize, bool) {
    let without_job = end.prompts.saturating_sub(end.cards.len());
    let why = if end.generate_all_running {
        "the render queue was still running"
    } else {
        "the render queue stopped without a job for them"
    };
    println!("SOAK shots_without_job {without_job} ({why})");
    let counted = queue_summary_takes(end.queue_line);
    match counted {
        Some(takes) => println!(
            "SOAK queue_summary_takes {takes} of {} ({:?})",
            end.prompts, end.queue_line
        ),
        None => println!(
            "SOAK queue_summary_takes none: the render queue shows {:?}",
            end.queue_line
        ),
    }
    let uncounted = counted.map_or(0, |takes| end.prompts.abs_diff(takes));
    let lost_entries = without_job.max(uncounted);
    println!("SOAK lost_entries {lost_entries}");
    let unfinished = counted.is_none();
    println!("SOAK queue_unfinished {}", u8::from(unfinished));
    (lost_entries, unfinished)
}

/// The takes "Finished: N done · N failed · N cancelled · N lost" counts.
fn queue_summary_takes(line: &str) -> Option<usize> {
    let counts = line.strip_prefix("Finished:")?;
    counts
        .split('·')
        .map(|part| part.split_whitespace().next()?.parse::<usize>().ok())
        .sum()
}

/// Shots the servers ran more than once; returns how many.
fn print_duplicates(end: &Ending) -> usize {
    let submissions = end.submissions;
    let on_server = submissions.by_shot.len();
    println!(
        "SOAK server_prompts {} accepted, {} began to run, {} shots reached a server, {} not the soak's",
        submissions.prompts(),
        submissions.started(),
        on_server,
        submissions.unattributed
    );
    println!(
        "SOAK resent {} (shots sent again after a prompt a server forgot before running it)",
        submissions.resent()
    );
    let twice = submissions.ran_twice();
    for (shot, prompts) in twice.iter().take(TOP_REASONS) {
        let label = format!("Shot {shot}");
        let card = end.cards.iter().find(|card| card.label == label);
        let prompts: Vec<String> = prompts
            .iter()
            .map(|prompt| {
                format!(
                    "{} on {}{}{}",
                    prompt.prompt_id,
                    prompt.host,
                    if prompt.started { " ran" } else { " never ran" },
                    if prompt.accepted > 1 {
                        format!(" (queued {} times)", prompt.accepted)
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        println!(
            "SOAK duplicate_shot {shot}: {}; card {:?}, states {}",
            prompts.join(", "),
            card.map_or("", |card| card.text.as_str()),
            card.map_or(String::new(), |card| card.words.join(" → "))
        );
    }
    println!("SOAK duplicates {}", twice.len());
    twice.len()
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
    println!(
        "SOAK page_events reloads {} history_clears {}",
        injected.reloads.len(),
        injected.clears.len()
    );
    for refused in &injected.refused {
        println!("SOAK fault_refused {refused}");
    }
}
