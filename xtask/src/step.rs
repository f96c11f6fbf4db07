//! Saying what is being done, and running commands with that said first.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

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

/// [`run_reading_lines`] with a time bound: the command runs in a process group of its
/// own, and when `limit` passes the whole group is killed, whatever it started included
/// (browsers, servers). Ctrl-C ends it like everything else below xtask (processes.rs).
/// Returns `None` when it was killed.
pub fn run_reading_lines_within(
    command: &mut Command,
    limit: Duration,
    mut on_line: impl FnMut(&str),
) -> Result<Option<ExitStatus>> {
    detail(&format!("$ {}", describe(command)));
    let mut child = command
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    let group = child.id();
    let killed = Arc::new(AtomicBool::new(false));
    let kill_group = {
        let killed = Arc::clone(&killed);
        move || {
            killed.store(true, Ordering::SeqCst);
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .status();
        }
    };
    let (finished, until_finished) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if until_finished.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
            kill_group();
        }
    });
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            on_line(&line);
        }
    }
    let status = child.wait()?;
    drop(finished);
    let _ = watchdog.join();
    Ok((!killed.load(Ordering::SeqCst)).then_some(status))
}

/// The rest of a line a test printed after `prefix` (`BENCH `, `SOAK `): runners may
/// indent console output, and a native test's first printed line follows libtest's
/// `test name ... ` on the same line.
pub fn printed_after<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let line = line.trim();
    line.strip_prefix(prefix).or_else(|| {
        let (_, printed) = line.strip_prefix("test ")?.split_once(" ... ")?;
        printed.strip_prefix(prefix)
    })
}
