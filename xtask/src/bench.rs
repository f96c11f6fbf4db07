//! `cargo xtask bench`: benchmark P5 (issues 6 and 10) in headless Chromium, summarised
//! into bench/results.md and bench/results.json. Two suites print `BENCH` lines: the data
//! layer (tests/bench_persistence.rs, wasm-bindgen-test) and the page (the release build
//! reloaded in a browser, crates/e2e/tests/bench_reload.rs).

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Result, bail};

use crate::browser::{Browser, BrowserScratch, ensure_browser};
use crate::step::{announce, describe, detail, output_of, printed_after, run_reading_lines};
use crate::test::{build_for_e2e, e2e_command};
use crate::tools::{Tools, ensure_app_tools};

/// The suite stores 1 GB of media before it measures; the runner's default (20 s) is for
/// small suites.
const BENCH_TIMEOUT_S: u64 = 900;
const BENCH_PREFIX: &str = "BENCH ";

/// The targets from issues 6/10 for P5; measures not listed here have no goal. The reload
/// goal is the page's: "cold reload to interactive".
const GOALS: [(&str, f64); 3] = [
    ("p5_edit_bytes", 10_240.0),
    ("p5_edit_ms", 20.0),
    ("p5_page_reload_ms", 500.0),
];

/// What each measure is, for readers of results.md.
const DESCRIPTIONS: [(&str, &str); 12] = [
    ("p5_edit_bytes", "bytes written by the save of one prompt edit"),
    ("p5_edit_ms", "that save's IndexedDB transaction"),
    ("p5_edit_total_ms", "edit applied → flush returned"),
    (
        "p5_reload_ms",
        "data-layer reload: Storage::open + ProjectData::restore until the project reads (not page TTI)",
    ),
    ("p5_setup_videos", "distinct 5 MB video records stored"),
    (
        "p5_setup_store_s",
        "time to store them and link them as keyframes",
    ),
    (
        "p5_page_setup_store_s",
        "page-level run: time to store its 200 videos of 5 MB noise as keyframes (JS in the page)",
    ),
    (
        "p5_page_reload_ms",
        "cold reload of the release page (200 shots, 200 × 5 MB videos stored; HTTP cache as a returning visitor has it): \
         navigation start → all 200 shot cards in the page, a prompt editable, next frame produced; timed in the page",
    ),
    (
        "p5_page_reload_dom_ms",
        "the same reload: navigation start → the 200 cards and an editable prompt in the DOM, before that frame",
    ),
    (
        "p5_page_reload_media_ms",
        "the same reload: navigation start → every card on screen shows its keyframe, read from IndexedDB \
         (the app reads the others' as they near the screen)",
    ),
    (
        "p5_page_reload_longest_task_ms",
        "longest main-thread task of that reload until those keyframes are in (Long Tasks API: 0 = none ≥ 50 ms)",
    ),
    (
        "p5_page_first_load_ms",
        "first visit, empty profile and HTTP cache: navigation start → the new project's first shot card \
         in the page, prompt editable, next frame produced; timed in the page",
    ),
];

#[derive(clap::Args)]
pub struct BenchArgs {}

/// One measure over the repetitions.
struct Summary {
    name: String,
    unit: String,
    median: f64,
    min: f64,
    max: f64,
    samples: usize,
}

pub fn run(root: &Path, _args: BenchArgs) -> Result<ExitCode> {
    let tools = ensure_app_tools(root)?;
    let browser = ensure_browser()?;
    let mut lines = data_layer_lines(&tools, &browser)?;
    lines.extend(page_lines(&tools, &browser)?);
    let summaries = summarise(&lines)?;
    let date = output_of("date", &["-u", "+%F"])
        .unwrap_or_default()
        .trim()
        .to_owned();
    let machine = machine();
    let dir = root.join("bench");
    std::fs::create_dir_all(&dir)?;
    let markdown = results_markdown(&summaries, &date, &machine);
    std::fs::write(dir.join("results.md"), &markdown)?;
    std::fs::write(
        dir.join("results.json"),
        results_json(&summaries, &date, &machine),
    )?;
    println!("\n{markdown}");
    detail(&format!("written to {}", dir.display()));
    Ok(ExitCode::SUCCESS)
}

/// tests/bench_persistence.rs: the shot edit and the data layer's reload.
fn data_layer_lines(tools: &Tools, browser: &Browser) -> Result<Vec<(String, f64, String)>> {
    announce("Benchmark P5, data layer, in headless Chromium (release build)");
    let mut command = tools.cargo();
    command
        .args([
            "test",
            "--locked",
            // What users run: the release profile, as `cargo xtask dist` builds it.
            "--release",
            "--package",
            "shotline",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "bench_persistence",
            "--",
            // The runner 0.2.130 accepts `--ignored` but runs ignored tests only with this.
            "--include-ignored",
            // The runner shows a passing test's console output only with this.
            "--nocapture",
        ])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", BENCH_TIMEOUT_S.to_string());
    let scratch = BrowserScratch::new(&tools.target_dir(), "bench")?;
    scratch.apply(&mut command);
    bench_lines(command)
}

/// crates/e2e/tests/bench_reload.rs: the release build served as static files and
/// reloaded in headless Chromium, set up as the end-to-end tier sets up its tests.
fn page_lines(tools: &Tools, browser: &Browser) -> Result<Vec<(String, f64, String)>> {
    announce("Benchmark P5, page reload: the release build in headless Chromium");
    let dist = tools.target_dir().join("bench/dist");
    build_for_e2e(tools, &dist)?;
    let mut command = e2e_command(tools, browser, &dist)?;
    command.args([
        "--test",
        "bench_reload",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    let scratch = BrowserScratch::new(&tools.target_dir(), "bench-page")?;
    scratch.apply(&mut command);
    bench_lines(command)
}

/// Runs the suite, echoing its output, and returns its `BENCH name value unit` lines.
fn bench_lines(mut command: Command) -> Result<Vec<(String, f64, String)>> {
    let mut lines = Vec::new();
    let status = run_reading_lines(&mut command, |line| lines.extend(parse_bench_line(line)))?;
    if !status.success() {
        bail!("`{}` failed ({status}): see the output above", describe(&command));
    }
    Ok(lines)
}

/// Reads `BENCH p5_edit_ms 7.4 ms`.
fn parse_bench_line(line: &str) -> Option<(String, f64, String)> {
    let rest = printed_after(line, BENCH_PREFIX)?;
    let mut words = rest.split_whitespace();
    let name = words.next()?.to_owned();
    let value = words.next()?.parse().ok()?;
    let unit = words.next()?.to_owned();
    Some((name, value, unit))
}

/// Median, min and max per measure, in the order measures first appear.
fn summarise(lines: &[(String, f64, String)]) -> Result<Vec<Summary>> {
    let mut names: Vec<&str> = Vec::new();
    for (name, _, _) in lines {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    if names.is_empty() {
        bail!("the benchmark printed no `{BENCH_PREFIX}` lines");
    }
    Ok(names
        .into_iter()
        .map(|name| {
            let mut values: Vec<f64> = lines.iter().filter(|l| l.0 == name).map(|l| l.1).collect();
            values.sort_by(f64::total_cmp);
            let unit = lines.iter().find(|l| l.0 == name).map_or("", |l| l.2.as_str());
            let middle = values.len() / 2;
            let median = if values.len().is_multiple_of(2) {
                (values[middle - 1] + values[middle]) / 2.0
            } else {
                values[middle]
            };
            Summary {
                name: name.to_owned(),
                unit: unit.to_owned(),
                median,
                min: values[0],
                max: values[values.len() - 1],
                samples: values.len(),
            }
        })
        .collect())
}

fn goal_of(name: &str) -> Option<f64> {
    GOALS.iter().find(|goal| goal.0 == name).map(|goal| goal.1)
}

fn description_of(name: &str) -> &'static str {
    DESCRIPTIONS
        .iter()
        .find(|description| description.0 == name)
        .map_or("", |description| description.1)
}

/// CPU model, cores and memory, from /proc (Linux only; elsewhere "unknown").
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")?
                .split_once(':')
                .map(|p| p.1.trim())
        })
        .unwrap_or("unknown CPU");
    let cores = output_of("nproc", &[]).unwrap_or_default().trim().to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("MemTotal:")?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .map_or_else(
            || "?".to_owned(),
            |kib: f64| format!("{:.0}", kib / 1024.0 / 1024.0),
        );
    format!("{cpu}, {cores} cores, {memory_gib} GiB")
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn results_markdown(summaries: &[Summary], date: &str, machine: &str) -> String {
    let mut out = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (release build, headless Chromium). \
         Value is the median over the repetitions; no baseline run exists yet, so baseline \
         and ratio are \"—\".\n\n\
         | measure | value (median) | unit | min | max | runs | goal | goal met | baseline | ratio | date | machine | what |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for s in summaries {
        let (goal, met) = match goal_of(&s.name) {
            Some(goal) => (
                format!("≤ {}", number(goal)),
                if s.median <= goal { "yes" } else { "no" }.to_owned(),
            ),
            None => ("—".to_owned(), "—".to_owned()),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {goal} | {met} | — | — | {date} | {machine} | {} |\n",
            s.name,
            number(s.median),
            s.unit,
            number(s.min),
            number(s.max),
            s.samples,
            description_of(&s.name),
        ));
    }
    out
}

/// The same table as JSON, written by hand: xtask has no serde and needs none for this.
fn results_json(summaries: &[Summary], date: &str, machine: &str) -> String {
    let quoted = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let optional = |value: Option<f64>| value.map_or_else(|| "null".to_owned(), |v| v.to_string());
    let rows: Vec<String> = summaries
        .iter()
        .map(|s| {
            let goal = goal_of(&s.name);
            format!(
                "    {{\"measure\": {}, \"median\": {}, \"unit\": {}, \"min\": {}, \"max\": {}, \
                 \"runs\": {}, \"goal_max\": {}, \"goal_met\": {}, \"baseline\": null, \"ratio\": null, \
                 \"description\": {}}}",
                quoted(&s.name),
                s.median,
                quoted(&s.unit),
                s.min,
                s.max,
                s.samples,
                optional(goal),
                goal.map_or_else(|| "null".to_owned(), |goal| (s.median <= goal).to_string()),
                quoted(description_of(&s.name)),
            )
        })
        .collect();
    format!(
        "{{\n  \"date\": {},\n  \"machine\": {},\n  \"results\": [\n{}\n  ]\n}}\n",
        quoted(date),
        quoted(machine),
        rows.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_lines_give_median_min_and_max_per_measure() {
        let lines: Vec<_> = [
            "  BENCH p5_edit_ms 9.0 ms",
            "BENCH p5_edit_ms 3.0 ms",
            "test p5_edit ... BENCH p5_edit_ms 5.0 ms",
        ]
        .iter()
        .filter_map(|line| parse_bench_line(line))
        .collect();
        let summaries = summarise(&lines).unwrap();
        assert_eq!(summaries.len(), 1);
        let s = &summaries[0];
        assert_eq!((s.median, s.min, s.max, s.samples), (5.0, 3.0, 9.0, 3));
        assert_eq!(s.unit, "ms");
        assert!(parse_bench_line("test p5 ... ok").is_none());
        assert!(summarise(&[]).is_err());
    }
}
