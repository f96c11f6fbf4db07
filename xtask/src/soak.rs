//! `cargo xtask soak`: prompts through the app's render queue in headless Chromium against
//! a pool of comfy-sim servers with randomly injected faults, page reloads, a second tab
//! and history clears (crates/e2e/tests/soak.rs), bounded in time. Fails when a job never
//! reached a final state, when a job ended Lost with nothing injected to explain it, when
//! a shot ran twice, when a queue entry went missing, or when the time bound was hit.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::browser::ensure_browser;
use crate::step::{announce, detail, printed_after, run_command, run_reading_lines_within};
use crate::test::e2e_command;
use crate::tools::ensure_app_tools;

const SOAK_PREFIX: &str = "SOAK ";
/// The test stops itself at the bound and reports; past this much more it is killed.
const KILL_GRACE_S: u64 = 120;
/// The lines that decide the verdict, each `SOAK name count`.
const MUST_BE_ZERO: [&str; 6] = [
    "hung",
    "lost_without_restart",
    "duplicates",
    "lost_entries",
    "queue_unfinished",
    "time_bound_hit",
];

#[derive(clap::Args)]
pub struct SoakArgs {
    /// How many prompts (one shot each) Generate all runs.
    #[arg(long, default_value_t = 1000)]
    prompts: u64,
    /// Time bound for the run once built (setup, soak and report): past it the run stops
    /// and fails.
    #[arg(long, default_value_t = 20)]
    max_minutes: u64,
    /// Seed of the fault schedule (default: the clock); printed either way.
    #[arg(long)]
    seed: Option<u64>,
    /// comfy-sim servers in the pool (at least 2: one restarts).
    #[arg(long, default_value_t = 2)]
    servers: u64,
}

pub fn run(root: &Path, args: SoakArgs) -> Result<ExitCode> {
    let tools = ensure_app_tools(root)?;
    let browser = ensure_browser()?;
    announce("Soak: the release build, comfy-sim and the soak test");
    let dist = tools.target_dir().join("soak/dist");
    let (mut command, _scratch) = e2e_command(
        &tools,
        &browser,
        &dist,
        "soak",
        &["--test", "soak"],
        &["--ignored", "--nocapture"],
    )?;
    // The debug simulator spends ≈ 3 s of CPU drawing each 512 px picture; optimised, the
    // app's engine is what the soak exercises, not the stand-in's image code.
    run_command(tools.cargo().args([
        "build",
        "--locked",
        "--quiet",
        "--release",
        "--package",
        "comfy-sim",
    ]))?;
    // Compiled before the clock starts: the time bound is for the soak, not the build.
    run_command(tools.cargo().args([
        "test",
        "--locked",
        "--package",
        "shotline-e2e",
        "--test",
        "soak",
        "--no-run",
    ]))?;

    let seed = args.seed.unwrap_or_else(clock_seed);
    announce(&format!(
        "Soak: {} prompts over {} comfy-sim servers with faults, seed {seed}, at most {} min",
        args.prompts, args.servers, args.max_minutes
    ));
    command
        .env("SOAK_PROMPTS", args.prompts.to_string())
        .env("SOAK_SEED", seed.to_string())
        .env("SOAK_MAX_MINUTES", args.max_minutes.to_string())
        .env("SOAK_SERVERS", args.servers.to_string())
        .env("COMFY_SIM_BIN", tools.target_dir().join("release/comfy-sim"));
    let mut report = Vec::new();
    let limit = Duration::from_secs(args.max_minutes * 60 + KILL_GRACE_S);
    let status = run_reading_lines_within(&mut command, limit, |line| {
        report.extend(printed_after(line, SOAK_PREFIX).map(str::to_owned));
    })?;

    println!();
    announce("Soak summary");
    for line in report.iter().filter(|line| is_summary(line)) {
        detail(line);
    }
    let problems = problems(&report, status.map(|status| status.success()), args.max_minutes);
    for problem in &problems {
        println!("FAILED: {problem}");
    }
    if problems.is_empty() {
        println!(
            "ok: every job reached a final state; no Lost without a cause, no shot run twice, \
             no queue entry lost (seed {seed})"
        );
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

/// The report lines worth repeating at the end; the per-card ones stay above.
fn is_summary(line: &str) -> bool {
    let name = line.split_whitespace().next().unwrap_or_default();
    !matches!(
        name,
        "progress"
            | "plan:"
            | "event"
            | "hung_card"
            | "lost_card"
            | "no_job_card"
            | "duplicate_shot"
            | "fault_refused"
    )
}

/// What makes the run fail. `passed` is the test's verdict, `None` when it was killed.
fn problems(report: &[String], passed: Option<bool>, max_minutes: u64) -> Vec<String> {
    let mut problems = Vec::new();
    match passed {
        None => problems.push(format!(
            "the soak did not stop within --max-minutes {max_minutes} (+{KILL_GRACE_S} s) and was killed"
        )),
        Some(false) => problems.push("the soak test failed: see its output above".to_owned()),
        Some(true) => {}
    }
    for name in MUST_BE_ZERO {
        match count_of(report, name) {
            Some(0) => {}
            Some(count) => problems.push(format!("{name} = {count}")),
            None => problems.push(format!("the soak printed no `{SOAK_PREFIX}{name}` line")),
        }
    }
    problems
}

fn count_of(report: &[String], name: &str) -> Option<u64> {
    report.iter().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(name)).then(|| words.next()?.parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_passes_only_with_no_hung_unexplained_lost_duplicate_or_lost_entry_within_its_bound() {
        let lines = |hung: u64, duplicates: u64| -> Vec<String> {
            vec![
                format!("hung {hung}"),
                "lost_without_restart 0 (Lost that no restart, history clear or reload explains)".to_owned(),
                format!("duplicates {duplicates}"),
                "lost_entries 0".to_owned(),
                "queue_unfinished 0".to_owned(),
                "time_bound_hit 0".to_owned(),
            ]
        };
        assert!(problems(&lines(0, 0), Some(true), 20).is_empty());
        assert_eq!(problems(&lines(3, 0), Some(false), 20).len(), 2);
        assert_eq!(problems(&lines(0, 1), Some(true), 20).len(), 1);
        assert_eq!(problems(&lines(0, 0), None, 20).len(), 1);
        assert_eq!(problems(&lines(0, 0)[1..], Some(true), 20).len(), 1);
    }
}
