//! `cargo xtask bench`: benchmarks P1–P3 (issue 11) and P5 (issues 6 and 10) in headless
//! Chromium, summarised into bench/results.md and bench/results.json. The suites print
//! `BENCH` lines: the data layer (tests/bench_persistence.rs and, against comfy-sim,
//! tests/bench_media.rs, wasm-bindgen-test) and the page (the release build in a browser:
//! crates/e2e/tests/bench_reload.rs, bench_load.rs, bench_completion.rs).

mod load;
mod measures;
mod media;
mod merge;
mod scale;

use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Result, bail};

use crate::browser::{Browser, BrowserScratch, ensure_browser};
use crate::step::{announce, describe, detail, output_of, run_reading_lines};
use crate::test::e2e_command;
use crate::tools::{Tools, ensure_app_tools};

/// The suite stores 1 GB of media before it measures; the runner's default (20 s) is for
/// small suites.
const BENCH_TIMEOUT_S: u64 = 900;
const BENCH_PREFIX: &str = "BENCH ";

/// `(name, value, unit)` read from one `BENCH` line.
type BenchLine = (String, f64, String);

/// The targets from issues 6/10 for P5; measures not listed here have no goal. The reload
/// goal is the page's: "cold reload to interactive".
const GOALS: [(&str, f64); 3] = [
    ("p5_edit_bytes", 10_240.0),
    ("p5_edit_ms", 20.0),
    ("p5_page_reload_ms", 500.0),
];

/// What each measure is, for readers of results.md.
const DESCRIPTIONS: [(&str, &str); 13] = [
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
        "p5_page_reload_first_screen_ms",
        "the same reload: navigation start → the first cards (a screenful; the rest follow a batch per frame) \
         with an editable prompt, next frame produced: when a person can start typing",
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

/// The page suites, in the order a full run runs them.
const PAGE_SUITES: [&str; 4] = ["bench_reload", "bench_load", "bench_completion", scale::SUITE];

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Run only these page suites (of bench_reload, bench_load, bench_completion,
    /// bench_scale; comma-separated): their rows replace theirs in bench/results.*, the
    /// other rows stay as the last run wrote them.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// With --only: run only the benchmarks whose test name contains this (e.g. `p4`).
    #[arg(long, requires = "only")]
    name: Option<String>,
}

/// One measure over the repetitions.
struct Summary {
    name: String,
    unit: String,
    median: f64,
    min: f64,
    max: f64,
    samples: usize,
}

pub fn run(root: &Path, args: BenchArgs) -> Result<ExitCode> {
    if let Some(unknown) = args
        .only
        .iter()
        .find(|suite| !PAGE_SUITES.contains(&suite.as_str()))
    {
        bail!("--only {unknown}: the page suites are {}", PAGE_SUITES.join(", "));
    }
    let tools = ensure_app_tools(root)?;
    let browser = ensure_browser()?;
    let partial = !args.only.is_empty();
    let (suites, mut lines): (Vec<&str>, _) = if partial {
        (args.only.iter().map(String::as_str).collect(), Vec::new())
    } else {
        let mut lines = data_layer_lines(&tools, &browser)?;
        lines.extend(media::lines(&tools, &browser)?);
        (PAGE_SUITES.to_vec(), lines)
    };
    let comfyui = if suites.contains(&"bench_load") {
        load::comfyui_frontend(&tools)
    } else {
        Err(String::new())
    };
    let page = PageRun {
        suites: &suites,
        name: args.name.as_deref(),
        comfyui: comfyui.as_deref().ok(),
    };
    lines.extend(page_lines(&tools, &browser, &page)?);
    let notes = [comfyui.map_or_else(|reason| reason, |_| measures::baseline_note())];
    let summaries = summarise(&lines)?;
    let date = output_of("date", &["-u", "+%F"])
        .unwrap_or_default()
        .trim()
        .to_owned();
    let machine = machine();
    let dir = root.join("bench");
    std::fs::create_dir_all(&dir)?;
    let mut markdown = results_markdown(&summaries, &date, &machine, &notes);
    let mut json = results_json(&summaries, &date, &machine);
    if partial {
        let known = |name: &str| !description_of(name).is_empty();
        let old = |file| std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        markdown = merge::markdown(&old("results.md"), &markdown, &known);
        json = merge::json(&old("results.json"), &json, &known);
    }
    std::fs::write(dir.join("results.md"), &markdown)?;
    std::fs::write(dir.join("results.json"), json)?;
    println!("\n{markdown}");
    detail(&format!("written to {}", dir.display()));
    Ok(ExitCode::SUCCESS)
}

/// tests/bench_persistence.rs: the shot edit and the data layer's reload.
fn data_layer_lines(tools: &Tools, browser: &Browser) -> Result<Vec<(String, f64, String)>> {
    announce("Benchmark P5, data layer, in headless Chromium (release build)");
    let mut command = wasm_bench_command(tools, browser, "bench_persistence");
    let scratch = BrowserScratch::new(&tools.target_dir(), "bench")?;
    scratch.apply(&mut command);
    bench_lines(command)
}

/// The wasm-bindgen-test suite `test`, built as users get the app, with its ignored
/// benchmarks included.
fn wasm_bench_command(tools: &Tools, browser: &Browser, test: &str) -> Command {
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
            test,
            "--",
            // The runner 0.2.130 accepts `--ignored` but runs ignored tests only with this.
            "--include-ignored",
            // The runner shows a passing test's console output only with this.
            "--nocapture",
        ])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", BENCH_TIMEOUT_S.to_string());
    command
}

/// Which page suites run, which of their benchmarks, and where ComfyUI's frontend is.
struct PageRun<'a> {
    suites: &'a [&'a str],
    name: Option<&'a str>,
    comfyui: Option<&'a Path>,
}

/// The page suites (P1, P3, P5's reload): the release build served as static files in
/// headless Chromium, set up as the end-to-end tier sets up its tests. P1 serves it
/// brotli-precompressed, beside ComfyUI's frontend in `comfyui` when that is available.
fn page_lines(tools: &Tools, browser: &Browser, run: &PageRun) -> Result<Vec<BenchLine>> {
    announce(&format!(
        "Benchmarks in headless Chromium, the release build: {}{}",
        run.suites.join(", "),
        run.name
            .map(|name| format!(" (tests named *{name}*)"))
            .unwrap_or_default()
    ));
    let dist = tools.target_dir().join("bench/dist");
    let cargo_args: Vec<&str> = run.suites.iter().flat_map(|suite| ["--test", suite]).collect();
    let mut harness_args = vec!["--ignored", "--nocapture"];
    harness_args.extend(run.name);
    let (mut command, _scratch) =
        e2e_command(tools, browser, &dist, "bench-page", &cargo_args, &harness_args)?;
    load::precompress(&dist)?;
    if let Some(comfyui) = run.comfyui {
        command.env("SHOTLINE_BENCH_COMFYUI_STATIC", comfyui);
    }
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

/// Reads `BENCH p5_edit_ms 7.4 ms`; the wasm runner may indent console output, and a
/// native test's first printed line follows libtest's `test name ... ` on the same line.
fn parse_bench_line(line: &str) -> Option<(String, f64, String)> {
    let line = line.trim();
    let rest = line.strip_prefix(BENCH_PREFIX).or_else(|| {
        let (_, printed) = line.strip_prefix("test ")?.split_once(" ... ")?;
        printed.strip_prefix(BENCH_PREFIX)
    })?;
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

/// A measure's target: at most (times, sizes) or at least (a speed-up) this value.
#[derive(Clone, Copy)]
struct Goal {
    limit: f64,
    at_least: bool,
}

impl Goal {
    fn met_by(self, value: f64) -> bool {
        if self.at_least {
            value >= self.limit
        } else {
            value <= self.limit
        }
    }

    fn text(self) -> String {
        format!("{} {}", if self.at_least { "≥" } else { "≤" }, number(self.limit))
    }
}

fn goal_of(name: &str) -> Option<Goal> {
    let find = |goals: &[(&str, f64)], at_least| {
        goals.iter().find(|goal| goal.0 == name).map(|goal| Goal {
            limit: goal.1,
            at_least,
        })
    };
    find(&GOALS, false)
        .or_else(|| find(&measures::GOALS, false))
        .or_else(|| find(&scale::GOALS_AT_MOST, false))
        .or_else(|| find(&scale::GOALS_AT_LEAST, true))
}

fn description_of(name: &str) -> &'static str {
    DESCRIPTIONS
        .iter()
        .chain(&measures::DESCRIPTIONS)
        .chain(&scale::DESCRIPTIONS)
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

/// The goal column, whether it is met, and the baseline and ratio columns of `s`: a goal
/// on its own value first, else one on its ratio to a baseline measured in the same run.
struct Judged {
    goal: Option<String>,
    met: Option<bool>,
    baseline: Option<f64>,
    ratio: Option<f64>,
}

fn judge(s: &Summary, all: &[Summary]) -> Judged {
    let compared = measures::compare(s, all);
    let (goal, met) = match (goal_of(&s.name), &compared) {
        (Some(goal), _) => (Some(goal.text()), Some(goal.met_by(s.median))),
        (None, Some(compared)) => (compared.goal_text(), compared.met()),
        (None, None) => (None, None),
    };
    Judged {
        goal,
        met,
        baseline: compared.as_ref().map(|c| c.baseline),
        ratio: compared.as_ref().map(|c| c.ratio),
    }
}

fn results_markdown(summaries: &[Summary], date: &str, machine: &str, notes: &[String]) -> String {
    let mut out = String::from(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (release build, headless Chromium). \
         Value is the median over the repetitions; baseline is the median of the measure it is \
         compared with in the same run (\"—\" where there is none), ratio as the `what` column says.\n\n\
         | measure | value (median) | unit | min | max | runs | goal | goal met | baseline | ratio | date | machine | what |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let dash = || "—".to_owned();
    for s in summaries {
        let judged = judge(s, summaries);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {date} | {machine} | {} |\n",
            s.name,
            number(s.median),
            s.unit,
            number(s.min),
            number(s.max),
            s.samples,
            judged.goal.unwrap_or_else(dash),
            judged
                .met
                .map_or_else(dash, |met| if met { "yes" } else { "no" }.to_owned()),
            judged.baseline.map_or_else(dash, number),
            judged.ratio.map_or_else(dash, |ratio| format!("{ratio:.2}")),
            description_of(&s.name),
        ));
    }
    for note in notes {
        out.push_str(&format!("\n{note}\n"));
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
            let judged = judge(s, summaries);
            format!(
                "    {{\"date\": {}, \"measure\": {}, \"median\": {}, \"unit\": {}, \"min\": {}, \"max\": {}, \
                 \"runs\": {}, \"goal_max\": {}, \"goal_min\": {}, \"ratio_goal\": {}, \"goal_met\": {}, \"baseline\": {}, \
                 \"ratio\": {}, \
                 \"description\": {}}}",
                quoted(date),
                quoted(&s.name),
                s.median,
                quoted(&s.unit),
                s.min,
                s.max,
                s.samples,
                optional(goal_of(&s.name).filter(|goal| !goal.at_least).map(|goal| goal.limit)),
                optional(goal_of(&s.name).filter(|goal| goal.at_least).map(|goal| goal.limit)),
                measures::compare(s, summaries)
                    .and_then(|compared| compared.goal_text())
                    .map_or_else(|| "null".to_owned(), |goal| quoted(&goal)),
                judged
                    .met
                    .map_or_else(|| "null".to_owned(), |met| met.to_string()),
                optional(judged.baseline),
                optional(judged.ratio),
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

    #[test]
    fn a_speed_up_meets_its_goal_from_above_and_a_time_from_below() {
        let summary = |name: &str, median| Summary {
            name: name.to_owned(),
            unit: String::new(),
            median,
            min: median,
            max: median,
            samples: 3,
        };
        let table = results_markdown(
            &[summary("pool_speed_up", 1.5), summary("p4_longest_task_ms", 40.0)],
            "2026-11-23",
            "test machine",
            &[],
        );
        assert!(
            table.contains("| pool_speed_up | 1.5 |  | 1.5 | 1.5 | 3 | ≥ 2.7 | no |"),
            "{table}"
        );
        assert!(
            table.contains("| p4_longest_task_ms | 40 |  | 40 | 40 | 3 | ≤ 50 | yes |"),
            "{table}"
        );
        let json = results_json(&[summary("pool_speed_up", 3.0)], "2026-11-23", "test machine");
        assert!(
            json.contains("\"goal_max\": null, \"goal_min\": 2.7, \"ratio_goal\": null, \"goal_met\": true"),
            "{json}"
        );
    }
}
