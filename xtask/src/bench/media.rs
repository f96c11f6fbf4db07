//! Benchmark P2: tests/bench_media.rs against a comfy-sim that serves the video.

use anyhow::Result;

use super::{BenchLine, bench_lines, wasm_bench_command};
use crate::browser::{Browser, BrowserScratch};
use crate::step::announce;
use crate::test::Simulator;
use crate::tools::Tools;

pub(super) fn lines(tools: &Tools, browser: &Browser) -> Result<Vec<BenchLine>> {
    announce("Benchmark P2, a 20 MB video from /view into IndexedDB, in headless Chromium (release build)");
    let scratch = BrowserScratch::new(&tools.target_dir(), "bench-media")?;
    let sim = Simulator::start(tools, &["--enable-cors-header"], &scratch)?;
    let mut command = wasm_bench_command(tools, browser, "bench_media");
    // Read at compile time by tests/ (option_env!): wasm code cannot see the environment.
    command.env("SHOTLINE_TEST_COMFY_URL", sim.url());
    scratch.apply(&mut command);
    let lines = bench_lines(command);
    drop(sim);
    lines
}
