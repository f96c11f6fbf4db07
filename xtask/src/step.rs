//! Saying what is being done, and running commands with that said first.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};

use anyhow::{Context, Result, bail};

/// Prints a step heading, so a person watching a long first run knows what it is doing.
pub fn announce(what: &str) {
    println!("==> {what}");
}

/// Prints a detail under the current step.
pub fn detail(what: &str) {
    println!("    {what}");
}

/// Runs a command to completion with its output shown, failing with the command line.
pub fn run_command(command: &mut Command) -> Result<()> {
    let line = describe(command);
    detail(&format!("$ {line}"));
    let status = command
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Runs a command quietly and returns its stdout, or None when it is missing or fails.
pub fn output_of(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

pub fn describe(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs a command with its stdout echoed line by line to ours, handing each line to
/// `on_line` (test and bench runners report through their output), and returns its status.
pub fn run_reading_lines(command: &mut Command, mut on_line: impl FnMut(&str)) -> Result<ExitStatus> {
    detail(&format!("$ {}", describe(command)));
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            on_line(&line);
        }
    }
    Ok(child.wait()?)
}
