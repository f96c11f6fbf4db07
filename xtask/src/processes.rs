//! Every process a command starts ends with it — on success, on failure and on Ctrl-C.
//!
//! Killing our own children is not enough: ChromeDriver starts Chromium, and a driver
//! killed with SIGKILL leaves its browser running with init as its parent (issue 15 found
//! one under `target/tmp/e2e-tier` after `cargo xtask test` had exited). So xtask makes
//! itself the *subreaper* of everything it starts (Linux `PR_SET_CHILD_SUBREAPER`): an
//! orphan anywhere below it is re-parented to xtask instead of init, stays findable as a
//! descendant, and [`end_descendants`] ends the whole tree when a command is over.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// How long descendants get to exit after SIGTERM before SIGKILL.
const TERM_GRACE_MS: u64 = 2_000;
const POLL_MS: u64 = 50;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C (or SIGTERM) has been received: a child that exits meanwhile was
/// stopped by it, not by a fault of its own.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Makes orphaned descendants ours, and Ctrl-C (or SIGTERM) end them all before exiting.
pub fn take_charge_of_descendants() -> Result<()> {
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes one integer argument and touches no
    // memory of ours.
    let status = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    if status != 0 {
        return Err(std::io::Error::last_os_error()).context("making xtask the subreaper of its processes");
    }
    ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let ended = end_descendants();
        println!();
        println!("==> interrupted: stopped {}", describe_ended(&ended));
        std::process::exit(130);
    })
    .context("installing the Ctrl-C handler")
}

/// A process that was still running below us, as `ps` would name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub pid: i32,
    pub command: String,
}

/// Ends every live process below this one (SIGTERM, then SIGKILL after a grace period)
/// and reaps them; returns what was still running.
pub fn end_descendants() -> Vec<Ended> {
    let found = live_descendants();
    if found.is_empty() {
        return found;
    }
    let mut signalled = found.clone();
    signal_all(&found, libc::SIGTERM);
    let deadline = Instant::now() + Duration::from_millis(TERM_GRACE_MS);
    while Instant::now() < deadline {
        reap(&signalled);
        if live_descendants().is_empty() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(POLL_MS));
    }
    // Whatever is left now, including anything started during the grace period.
    loop {
        let stubborn = live_descendants();
        if stubborn.is_empty() {
            break;
        }
        signal_all(&stubborn, libc::SIGKILL);
        signalled.extend(stubborn);
        std::thread::sleep(Duration::from_millis(POLL_MS));
        reap(&signalled);
    }
    reap(&signalled);
    found
}

/// "3 processes (chromium, chromedriver, comfy-sim)".
pub fn describe_ended(ended: &[Ended]) -> String {
    let mut names: Vec<&str> = ended.iter().map(|process| process.command.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    match ended.len() {
        0 => "no processes".to_owned(),
        1 => format!("1 process ({})", names.join(", ")),
        n => format!("{n} processes ({})", names.join(", ")),
    }
}

fn signal_all(processes: &[Ended], signal: libc::c_int) {
    for process in processes {
        // SAFETY: kill takes a pid and a signal number; a pid that has gone away meanwhile
        // only makes it return ESRCH.
        unsafe {
            libc::kill(process.pid, signal);
        }
    }
}

/// Collects the exit status of the processes we ended that are (now) our children, so
/// none lingers as a zombie; only these, never a child some `Child` handle waits on.
fn reap(ended: &[Ended]) {
    for process in ended {
        // SAFETY: waitpid with a null status pointer and WNOHANG only reaps; for a pid that
        // is not our child it returns -1 (ECHILD).
        unsafe {
            libc::waitpid(process.pid, std::ptr::null_mut(), libc::WNOHANG);
        }
    }
}

/// Live (not zombie) processes whose chain of parents leads to this one.
pub fn live_descendants() -> Vec<Ended> {
    let table = process_table();
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for (pid, entry) in &table {
        children.entry(entry.parent).or_default().push(*pid);
    }
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![std::process::id() as i32];
    while let Some(pid) = stack.pop() {
        for child in children.get(&pid).into_iter().flatten() {
            if !seen.insert(*child) {
                continue;
            }
            stack.push(*child);
            if let Some(entry) = table.get(child)
                && !entry.zombie
            {
                found.push(Ended {
                    pid: *child,
                    command: entry.command.clone(),
                });
            }
        }
    }
    found
}

struct ProcessEntry {
    parent: i32,
    command: String,
    zombie: bool,
}

/// Every process of `/proc`, with its parent, name and whether it has exited.
fn process_table() -> HashMap<i32, ProcessEntry> {
    let mut table = HashMap::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<i32>().ok())
        else {
            continue;
        };
        // Threads of other processes are not listed here; a process that exits between
        // listing and reading is simply skipped.
        if let Ok(stat) = fs::read_to_string(entry.path().join("stat"))
            && let Some(parsed) = parse_stat(&stat)
        {
            table.insert(pid, parsed);
        }
    }
    table
}

/// `/proc/PID/stat`: `pid (comm) state ppid ...`, where `comm` may hold spaces and
/// parentheses, so the fields after it are read from the last `)`.
fn parse_stat(stat: &str) -> Option<ProcessEntry> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let command = stat.get(open + 1..close)?.to_owned();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let state = rest.next()?;
    let parent = rest.next()?.parse().ok()?;
    Some(ProcessEntry {
        parent,
        command,
        zombie: state == "Z" || state == "X",
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    #[test]
    fn reads_names_with_spaces_and_parentheses_from_proc_stat() {
        let entry = parse_stat("4242 (Web Content (x)) S 17 4242 4242 0 -1").unwrap();
        assert_eq!(entry.command, "Web Content (x)");
        assert_eq!(entry.parent, 17);
        assert!(!entry.zombie);
        assert!(parse_stat("7 (chromium) Z 1 7").unwrap().zombie);
    }

    /// What a browser left by a killed driver looks like: a process whose parent has
    /// exited. Without the subreaper it belongs to init and nothing of ours would find it;
    /// with it, it is ended with the command that started it. (No other test of this
    /// binary starts processes, which this one would end too.)
    #[test]
    fn an_orphaned_grandchild_is_ended_after_its_parent_exits() {
        take_charge_of_descendants().unwrap();
        let output = Command::new("sh")
            .args(["-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!"])
            .output()
            .unwrap();
        assert!(output.status.success());
        let orphan: i32 = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap();
        let alive = |pid: i32| {
            fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| parse_stat(&stat))
                .is_some_and(|entry| !entry.zombie)
        };
        assert!(alive(orphan), "the orphaned sleep should be running");
        assert!(live_descendants().iter().any(|process| process.pid == orphan));

        let ended = end_descendants();
        assert!(
            ended
                .iter()
                .any(|process| process.pid == orphan && process.command == "sleep")
        );
        assert!(!alive(orphan), "the orphaned sleep outlived end_descendants");
        assert!(live_descendants().is_empty());
    }
}
