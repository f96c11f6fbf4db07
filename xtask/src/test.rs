//! `cargo xtask test`: native, wasm-bindgen-test in headless Chromium, end to end.

use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::browser::{Browser, BrowserScratch, ensure_browser};
use crate::ports;
use crate::processes;
use crate::step::{announce, describe, detail, run_command, run_reading_lines};
use crate::tools::{Tools, ensure_app_tools};

const SIM_START_TIMEOUT_S: u64 = 60;
const WASM_SUITE_TIMEOUT_S: u64 = 600;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    Native,
    Wasm,
    E2e,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Run only these tiers (default: all three, in order).
    #[arg(long, value_enum)]
    tier: Vec<Tier>,
    /// Run only the tests whose names contain one of these (passed to every tier's test
    /// harness, as `cargo test NAME` does), e.g. `cargo xtask test --tier e2e two_tabs`.
    #[arg(trailing_var_arg = true)]
    filter: Vec<String>,
}

/// Counts read from the runners' own `test result:` lines.
#[derive(Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
}

struct TierResult {
    name: &'static str,
    counts: Counts,
    ok: bool,
    seconds: f64,
}

pub fn run(root: &Path, args: TestArgs) -> Result<ExitCode> {
    let wanted = |tier| args.tier.is_empty() || args.tier.contains(&tier);
    let needs_browser = wanted(Tier::Wasm) || wanted(Tier::E2e);
    let tools = ensure_app_tools(root)?;
    let browser = if needs_browser {
        Some(ensure_browser()?)
    } else {
        None
    };

    let mut results = Vec::new();
    if wanted(Tier::Native) {
        results.push(timed("native", || native_tier(&tools, &args.filter)));
    }
    if let Some(browser) = &browser {
        if wanted(Tier::Wasm) {
            results.push(timed("wasm (headless Chromium)", || {
                wasm_tier(&tools, browser, &args.filter)
            }));
        }
        if wanted(Tier::E2e) {
            results.push(timed("e2e (headless Chromium)", || {
                e2e_tier(&tools, browser, &args.filter)
            }));
        }
    }

    println!();
    announce("Summary");
    let mut total = Counts::default();
    for result in &results {
        let verdict = if result.ok { "ok" } else { "FAILED" };
        println!(
            "{}: {} passed, {} failed ({verdict}, {:.0} s)",
            result.name, result.counts.passed, result.counts.failed, result.seconds
        );
        total.passed += result.counts.passed;
        total.failed += result.counts.failed;
    }
    let all_ok = results.iter().all(|result| result.ok);
    // A tier that failed to build or crashed has no failing test to count: count it once.
    let failed = total.failed.max(u64::from(!all_ok));
    println!("total: {} passed, {} failed", total.passed, failed);
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn timed(name: &'static str, tier: impl FnOnce() -> Result<Counts>) -> TierResult {
    let started = Instant::now();
    let outcome = tier();
    let seconds = started.elapsed().as_secs_f64();
    // A browser or simulator the tier's tests left running ends with the tier, so the
    // next tier starts on a quiet machine and nothing outlives the command.
    let left = processes::end_descendants();
    if !left.is_empty() {
        detail(&format!(
            "the {name} tier left {} running: stopped",
            processes::describe_ended(&left)
        ));
    }
    match outcome {
        Ok(counts) => TierResult {
            name,
            counts,
            ok: counts.failed == 0 && counts.passed > 0,
            seconds,
        },
        Err(error) => {
            eprintln!("error in the {name} tier: {error:#}");
            TierResult {
                name,
                counts: Counts::default(),
                ok: false,
                seconds,
            }
        }
    }
}

fn native_tier(tools: &Tools, filter: &[String]) -> Result<Counts> {
    announce("Tier 1: native tests (cargo test, every crate but the wasm app and e2e)");
    let mut command = tools.cargo();
    command.args([
        "test",
        "--locked",
        "--no-fail-fast",
        "--workspace",
        "--exclude",
        "shotline",
        "--exclude",
        "shotline-e2e",
    ]);
    if !filter.is_empty() {
        command.arg("--").args(filter);
    }
    run_counting(command)
}

fn wasm_tier(tools: &Tools, browser: &Browser, filter: &[String]) -> Result<Counts> {
    announce("Tier 2: wasm-bindgen-test suites in headless Chromium, against comfy-sim");
    let scratch = BrowserScratch::new(&tools.target_dir(), "wasm-tier")?;
    let sim = Simulator::start(tools, &["--enable-cors-header", "--faults"], &scratch)?;
    // wasm-bindgen-test-runner takes one name filter: one run per filter given.
    let runs: Vec<Option<&String>> = if filter.is_empty() {
        vec![None]
    } else {
        filter.iter().map(Some).collect()
    };
    let mut total = Counts::default();
    for name in runs {
        let mut command = tools.cargo();
        command
            .args([
                "test",
                "--locked",
                "--no-fail-fast",
                "--package",
                "shotline",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", &browser.chromedriver)
            // The runner's default (20 s) is for the whole page; these suites drive real runs.
            .env("WASM_BINDGEN_TEST_TIMEOUT", WASM_SUITE_TIMEOUT_S.to_string())
            // Read at compile time by tests/ (option_env!): wasm code cannot see the environment.
            .env("SHOTLINE_TEST_COMFY_URL", sim.url());
        if let Some(name) = name {
            command.args(["--", name]);
        }
        scratch.apply(&mut command);
        let counts = run_counting(command)?;
        total.passed += counts.passed;
        total.failed += counts.failed;
    }
    drop(sim);
    Ok(total)
}

fn e2e_tier(tools: &Tools, browser: &Browser, filter: &[String]) -> Result<Counts> {
    announce("Tier 3: end to end — the release build in headless Chromium, against comfy-sim");
    let dist = tools.target_dir().join("e2e/dist");
    let filter: Vec<&str> = filter.iter().map(String::as_str).collect();
    let (command, _scratch) = e2e_command(tools, browser, &dist, "e2e-tier", &["--no-fail-fast"], &filter)?;
    let counts = run_counting(command)?;
    detail(&format!(
        "screenshots in {}",
        tools.target_dir().join(SCREENSHOTS_DIR).display()
    ));
    Ok(counts)
}

const SCREENSHOTS_DIR: &str = "e2e-screenshots";

/// The end-to-end suite, set up as every caller needs it: the release build into `dist`,
/// the debug comfy-sim, and `cargo test -p shotline-e2e <cargo_args> -- --test-threads=1
/// <harness_args>` with the paths the harness reads. The scratch folder holds the
/// browsers' profiles: keep it until the command has run.
pub(crate) fn e2e_command(
    tools: &Tools,
    browser: &Browser,
    dist: &Path,
    scratch_name: &str,
    cargo_args: &[&str],
    harness_args: &[&str],
) -> Result<(Command, BrowserScratch)> {
    crate::release::build(tools, dist, "/")?;
    build_simulator(tools)?;
    let screenshots = tools.target_dir().join(SCREENSHOTS_DIR);
    std::fs::create_dir_all(&screenshots)?;
    let mut command = tools.cargo();
    command
        .args(["test", "--locked", "--package", "shotline-e2e"])
        .args(cargo_args)
        // One browser at a time: tests that time or watch the page share 2 cores badly.
        .args(["--", "--test-threads=1"])
        .args(harness_args)
        .env("SHOTLINE_E2E_DIST", dist)
        .env("SHOTLINE_E2E_SCREENSHOTS", &screenshots)
        .env("COMFY_SIM_BIN", simulator_binary(tools))
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("CHROMIUM", &browser.chromium);
    let scratch = BrowserScratch::new(&tools.target_dir(), scratch_name)?;
    scratch.apply(&mut command);
    Ok((command, scratch))
}

/// Runs a test command, echoing its output and adding up its `test result:` lines.
fn run_counting(mut command: Command) -> Result<Counts> {
    let mut counts = Counts::default();
    let status = run_reading_lines(&mut command, |line| {
        if let Some(result) = parse_test_result(line) {
            counts.passed += result.passed;
            counts.failed += result.failed;
        }
    })?;
    if !status.success() && counts.failed == 0 {
        anyhow::bail!(
            "`{}` failed ({status}) before any test failed: see the output above",
            describe(&command)
        );
    }
    Ok(counts)
}

/// Reads cargo's and wasm-bindgen-test-runner's `test result: ok. 5 passed; 0 failed; ...`.
fn parse_test_result(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let number_before = |word: &str| -> Option<u64> {
        rest.split(';')
            .find_map(|part| part.trim().strip_suffix(word).map(str::trim))
            .and_then(|n| n.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
    };
    Some(Counts {
        passed: number_before("passed")?,
        failed: number_before("failed")?,
    })
}

fn simulator_binary(tools: &Tools) -> std::path::PathBuf {
    tools.target_dir().join("debug/comfy-sim")
}

fn build_simulator(tools: &Tools) -> Result<()> {
    run_command(
        tools
            .cargo()
            .args(["build", "--locked", "--quiet", "--package", "comfy-sim"]),
    )
}

/// A comfy-sim on a free port for the length of a tier.
pub(crate) struct Simulator {
    child: Child,
    port: u16,
}

impl Simulator {
    /// `scratch` holds the simulator's temporary folder, which a killed sim cannot remove.
    pub(crate) fn start(tools: &Tools, flags: &[&str], scratch: &BrowserScratch) -> Result<Self> {
        build_simulator(tools)?;
        let port = ports::free_port()?;
        let mut command = tools.command(&simulator_binary(tools).to_string_lossy());
        command
            .args(["--port", &port.to_string()])
            .args(flags)
            .stdout(Stdio::null());
        scratch.apply(&mut command);
        detail(&format!("$ {}", describe(&command)));
        let child = command.spawn().context("could not start comfy-sim")?;
        let sim = Self { child, port };
        ports::wait_until_listening(
            "127.0.0.1",
            port,
            Duration::from_secs(SIM_START_TIMEOUT_S),
            "comfy-sim",
        )?;
        Ok(sim)
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_wasm_runner_result_lines() {
        let counts = parse_test_result(
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        )
        .unwrap();
        assert_eq!((counts.passed, counts.failed), (12, 0));
        let failed = parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored").unwrap();
        assert_eq!((failed.passed, failed.failed), (3, 2));
        assert!(parse_test_result("running 3 tests").is_none());
    }
}
