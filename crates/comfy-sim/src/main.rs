//! `comfy-sim`: a ComfyUI stand-in for Shotline's tests, demos and benchmarks.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use comfy_sim::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let sim = match comfy_sim::start(cli.into_config()).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("comfy-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The test harness and `cargo xtask serve` wait for exactly this line.
    println!("comfy-sim listening on http://{}", sim.addr());
    if std::io::stdout().flush().is_err() {
        return ExitCode::FAILURE;
    }
    tokio::select! {
        outcome = sim.serve_until_stopped() => match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("comfy-sim: {error}");
                ExitCode::FAILURE
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
