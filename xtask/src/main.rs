//! `cargo xtask serve | test | dist | bench | soak`: everything a fresh machine needs to run, test and
//! ship Shotline, installed idempotently with pinned versions.

mod bench;
mod browser;
mod comfy_probe;
mod dist;
mod fresh;
mod ports;
mod processes;
mod release;
mod serve;
mod soak;
mod step;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Set up, run, test and ship Shotline",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, start ComfyUI's simulator when no ComfyUI answers, and run
    /// the app with `trunk serve` at http://127.0.0.1:PORT.
    Serve(serve::ServeArgs),
    /// Run every test tier: native, wasm-bindgen-test in headless Chromium, end to end.
    Test(test::TestArgs),
    /// Release build into dist/ for static hosting, with compressed sizes.
    Dist(dist::DistArgs),
    /// Benchmarks P1–P6 and the pool (first load against ComfyUI's frontend, a 20 MB video
    /// into IndexedDB, completion latency, event load, shot edit and reload with 200 stored
    /// videos, a 1,000-shot storyboard, 30 shots on 1 vs 3 servers) into bench/results.md.
    Bench(bench::BenchArgs),
    /// Soak the engine: many prompts through Generate all against comfy-sim servers with
    /// random faults and one restart; fails on a job that never ends or a Lost without a
    /// restart.
    Soak(soak::SoakArgs),
    /// Prove the README's commands on a fresh machine: a clean clone of HEAD and an empty
    /// CARGO_HOME (rustup's toolchains kept), then `cargo xtask test` (and/or `serve`)
    /// there, timed; optionally without rust-src, and once more with no network.
    Fresh(fresh::FreshArgs),
}

fn main() -> ExitCode {
    // clap prints usage and exits with code 2 on an unknown subcommand or flag.
    let cli = Cli::parse();
    let root = workspace_root();
    if let Err(error) = processes::take_charge_of_descendants() {
        eprintln!("\nerror: {error:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Serve(args) => serve::run(&root, args),
        Command::Test(args) => test::run(&root, args),
        Command::Dist(args) => dist::run(&root, args),
        Command::Bench(args) => bench::run(&root, args),
        Command::Soak(args) => soak::run(&root, args),
        Command::Fresh(args) => fresh::run(&root, args),
    };
    let left = processes::end_descendants();
    if !left.is_empty() {
        println!("==> stopped {} still running", processes::describe_ended(&left));
    }
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("\nerror: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}
