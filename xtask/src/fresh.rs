//! `cargo xtask fresh`: the README's two commands proved as a new user meets them — a
//! clean clone of HEAD, an empty cargo home (rustup's toolchains kept, nothing built or
//! fetched), and then `cargo xtask test` and/or `cargo xtask serve` there, timed.
//!
//! A warmed machine hid a broken command twice (issue 11: the test command; issue 15:
//! std's crates were never fetched but sat in the cache from an experiment), so every
//! change to tools or builds is checked this way before an issue touching them is closed.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::ports;
use crate::processes;
use crate::step::{announce, describe, detail, output_of, run_command, run_reading_lines};

/// The toolchain linked for `--without-rust-src`: a hard-linked copy of the active one
/// with its `rust-src` removed. rustup cannot add components to a linked toolchain, which
/// is exactly a machine where rust-src cannot be had.
const NO_SRC_TOOLCHAIN: &str = "shotline-fresh-no-rust-src";
/// A cold `cargo xtask serve` builds Trunk, wasm-bindgen-cli and the app first.
const SERVE_READY_TIMEOUT_S: u64 = 45 * 60;
const SERVE_STOP_TIMEOUT_S: u64 = 30;
const PAGE_CONNECT_TIMEOUT_S: u64 = 60;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Check {
    /// `cargo xtask test`, which must exit 0 with every tier's count and the total.
    Test,
    /// `cargo xtask serve`, which must reach "the app is at …" with a page that connects.
    Serve,
}

#[derive(clap::Args)]
pub struct FreshArgs {
    /// What to run in the fresh clone (default: test). Repeat for both, in the given order.
    #[arg(long, value_enum)]
    check: Vec<Check>,
    /// Run with a copy of the toolchain that has no rust-src and cannot get it, so
    /// release builds must fall back to the prebuilt standard library.
    #[arg(long)]
    without_rust_src: bool,
    /// After the checks, run `cargo xtask test` once more with no network at all
    /// (loopback only, in a network namespace of its own; needs root).
    #[arg(long)]
    offline_rerun: bool,
    /// Passed to `cargo xtask test` (e.g. `--tier e2e`).
    #[arg(long, value_name = "TIER")]
    tier: Vec<String>,
    /// Where to make the clone and the cargo home (default: target/fresh, emptied first).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Use this cargo home as it is (e.g. one an earlier fresh run filled) instead of an
    /// empty one: a fresh clone with warm tools.
    #[arg(long, value_name = "DIR")]
    cargo_home: Option<PathBuf>,
}

pub fn run(root: &Path, args: FreshArgs) -> Result<ExitCode> {
    let checks = if args.check.is_empty() {
        vec![Check::Test]
    } else {
        args.check.clone()
    };
    let base = args.dir.clone().unwrap_or_else(|| root.join("target/fresh"));
    let machine = FreshMachine::set_up(root, &base, args.without_rust_src, args.cargo_home.as_deref())?;
    let mut all_ok = true;
    for check in checks {
        let ok = match check {
            Check::Test => machine.test(&args.tier, false)?,
            Check::Serve => machine.serve()?,
        };
        all_ok &= ok;
    }
    if args.offline_rerun {
        all_ok &= machine.test(&args.tier, true)?;
    }
    drop(machine);
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A fresh clone beside a link to `shared/` (as CI lays it out), an empty cargo home with
/// rustup's proxies, and the environment a new shell on such a machine would have.
struct FreshMachine {
    clone: PathBuf,
    cargo_home: PathBuf,
    path: std::ffi::OsString,
    toolchain: Option<String>,
    rustup_home: PathBuf,
}

impl FreshMachine {
    fn set_up(root: &Path, base: &Path, without_rust_src: bool, warm_home: Option<&Path>) -> Result<Self> {
        announce(&format!("A fresh machine in {}", base.display()));
        if let Some(home) = warm_home
            && base.exists()
            && fs::canonicalize(home)?.starts_with(fs::canonicalize(base)?)
        {
            bail!(
                "the cargo home {} is inside {}, which is emptied first: pass another --dir",
                home.display(),
                base.display()
            );
        }
        if base.exists() {
            fs::remove_dir_all(base).with_context(|| format!("emptying {}", base.display()))?;
        }
        fs::create_dir_all(base)?;
        // rustup links toolchains by the path it is given: make every path absolute.
        let base = &fs::canonicalize(base)?;
        let dirty = output_of("git", &["-C", &root.to_string_lossy(), "status", "--porcelain"])
            .is_some_and(|status| !status.trim().is_empty());
        if dirty {
            detail("the work tree has uncommitted changes: they are NOT in the fresh clone (HEAD is)");
        }
        let clone = base.join("main");
        run_command(
            Command::new("git")
                .args(["clone", "--quiet", "--no-hardlinks"])
                .arg(root)
                .arg(&clone),
        )?;
        let head = output_of(
            "git",
            &["-C", &clone.to_string_lossy(), "rev-parse", "--short", "HEAD"],
        )
        .unwrap_or_default();
        detail(&format!("cloned HEAD {}", head.trim()));
        let shared = root.join("../shared");
        if shared.is_dir() {
            std::os::unix::fs::symlink(fs::canonicalize(&shared)?, base.join("shared"))?;
            detail("../shared linked beside the clone, as CI lays it out");
        }

        let current_bin = current_cargo_bin();
        let cargo_home = match warm_home {
            Some(home) => {
                let home =
                    fs::canonicalize(home).with_context(|| format!("no cargo home at {}", home.display()))?;
                detail(&format!(
                    "the cargo home {} as it is (warm tools)",
                    home.display()
                ));
                home
            }
            None => {
                let home = base.join("cargo-home");
                let bin = home.join("bin");
                fs::create_dir_all(&bin)?;
                let proxies = link_rustup_proxies(&current_bin, &bin)?;
                detail(&format!(
                    "empty CARGO_HOME {} with rustup's proxies only ({})",
                    home.display(),
                    proxies.join(", ")
                ));
                home
            }
        };
        let bin = cargo_home.join("bin");
        // PATH without the old cargo bin, where Trunk and wasm-bindgen may already sit.
        let path = std::env::join_paths(
            std::iter::once(bin.clone()).chain(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .filter(|dir| !same_dir(dir, &current_bin)),
            ),
        )?;
        let rustup_home = std::env::var_os("RUSTUP_HOME").map_or_else(
            || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".rustup"),
            PathBuf::from,
        );
        let toolchain = if without_rust_src {
            Some(link_toolchain_without_rust_src(base, &rustup_home)?)
        } else {
            None
        };
        Ok(Self {
            clone,
            cargo_home,
            path,
            toolchain,
            rustup_home,
        })
    }

    /// `cargo <args>` in the clone, as a new user's shell would run it.
    fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new("cargo");
        command.current_dir(&self.clone).args(args);
        for (name, _) in std::env::vars_os() {
            let name_text = name.to_string_lossy();
            // What the outer cargo set for this xtask, and build settings of this shell.
            if (name_text.starts_with("CARGO") && name_text != "CARGO_HOME")
                || name_text.starts_with("RUSTC")
                || name_text.starts_with("RUSTDOC")
                || name_text.starts_with("RUSTFLAGS")
                || name_text.starts_with("TRUNK_")
                || name_text == "RUSTUP_TOOLCHAIN"
            {
                command.env_remove(&name);
            }
        }
        command
            .env("CARGO_HOME", &self.cargo_home)
            .env("RUSTUP_HOME", &self.rustup_home)
            .env("PATH", &self.path);
        if let Some(toolchain) = &self.toolchain {
            command.env("RUSTUP_TOOLCHAIN", toolchain);
        }
        command
    }

    fn test(&self, tiers: &[String], offline: bool) -> Result<bool> {
        let mut args = vec!["xtask", "test"];
        for tier in tiers {
            args.extend(["--tier", tier.as_str()]);
        }
        let inner = self.cargo(&args);
        let (mut command, label) = if offline {
            announce("`cargo xtask test` again, with no network (loopback only)");
            (without_network(inner), "second run, no network")
        } else {
            announce("`cargo xtask test` in the fresh clone");
            (inner, "fresh clone")
        };
        let started = Instant::now();
        let mut summary = Vec::new();
        let status = run_reading_lines(command.process_group(0), |line| {
            let line = line.trim();
            if line.starts_with("total:") || line.contains(" passed, ") && line.contains(" failed (") {
                summary.push(line.to_owned());
            }
        })?;
        let elapsed = started.elapsed();
        let left = processes::end_descendants();
        println!();
        announce(&format!(
            "{label}: `cargo xtask test` {} in {}",
            if status.success() { "passed" } else { "FAILED" },
            minutes(elapsed)
        ));
        for line in &summary {
            detail(line);
        }
        report_left(&left);
        Ok(status.success() && left.is_empty() && summary.iter().any(|line| line.starts_with("total:")))
    }

    /// `cargo xtask serve` until it says where the app is; a headless Chromium then opens
    /// the page and waits for its server to show "Connected"; then Ctrl-C (SIGINT to the
    /// command's process group, as a terminal sends it) must end everything it started.
    fn serve(&self) -> Result<bool> {
        announce("`cargo xtask serve` in the fresh clone");
        let port = ports::free_port()?;
        let port_text = port.to_string();
        let mut command = self.cargo(&["xtask", "serve", "--port", &port_text]);
        command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        detail(&format!("$ {}", describe(&command)));
        let started = Instant::now();
        let mut child = command.spawn().context("could not start cargo xtask serve")?;
        let group = child.id();
        let stdout = child.stdout.take().context("no stdout from cargo xtask serve")?;
        let (lines, line_received) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("{line}");
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let wanted = format!("the app is at http://127.0.0.1:{port}");
        let mut simulator = false;
        let ready = loop {
            match line_received.recv_timeout(Duration::from_secs(SERVE_READY_TIMEOUT_S)) {
                Ok(line) => {
                    simulator |= line.contains("comfy-sim, a SIMULATOR");
                    if line.contains(&wanted) {
                        break true;
                    }
                }
                Err(_) => break false,
            }
        };
        let ready_after = started.elapsed();
        let connected = ready && page_connects(port)?;
        // Keep echoing what serve prints until it ends.
        let echo = std::thread::spawn(move || while line_received.recv().is_ok() {});

        // SAFETY: kill with a negative pid signals that process group only.
        unsafe {
            libc::kill(-(group as i32), libc::SIGINT);
        }
        let stop_deadline = Instant::now() + Duration::from_secs(SERVE_STOP_TIMEOUT_S);
        let mut stopped = false;
        while Instant::now() < stop_deadline {
            if child.try_wait()?.is_some() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Give orphans a moment to be re-parented to us before looking for them.
        std::thread::sleep(Duration::from_millis(500));
        let left_after_ctrl_c = processes::live_descendants();
        if !stopped {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = reader.join();
        let _ = echo.join();
        // Already reported above if anything was left; this only makes sure it ends.
        processes::end_descendants();

        println!();
        announce(&format!(
            "fresh clone: `cargo xtask serve` {}",
            if ready {
                format!("said \"{wanted}\" after {}", minutes(ready_after))
            } else {
                format!("never said \"{wanted}\" within {SERVE_READY_TIMEOUT_S} s")
            }
        ));
        detail(if simulator {
            "it started comfy-sim (no ComfyUI answered)"
        } else {
            "it did not start comfy-sim (a ComfyUI answered, or it failed before)"
        });
        detail(if connected {
            "the page in headless Chromium showed its server Connected"
        } else {
            "the page did NOT show its server Connected"
        });
        detail(if stopped {
            "Ctrl-C stopped it"
        } else {
            "it did not stop within 30 s of Ctrl-C"
        });
        report_left(&left_after_ctrl_c);
        Ok(ready && connected && stopped && left_after_ctrl_c.is_empty())
    }
}

impl Drop for FreshMachine {
    fn drop(&mut self) {
        if let Some(toolchain) = &self.toolchain {
            // Only the link rustup made; the copy itself is under the fresh folder.
            let _ = fs::remove_file(self.rustup_home.join("toolchains").join(toolchain));
        }
    }
}

fn report_left(left: &[processes::Ended]) {
    if left.is_empty() {
        detail("no process it started was left running");
    } else {
        detail(&format!(
            "LEFT RUNNING after it returned (now stopped): {}",
            processes::describe_ended(left)
        ));
    }
}

/// Headless Chromium opens the page a few times until the server bar says "Connected"
/// (the first visit's default server is the page's own proxy to ComfyUI).
fn page_connects(port: u16) -> Result<bool> {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.is_file() {
        detail("no /usr/bin/chromium to open the page with (cargo xtask test installs it)");
        return Ok(false);
    }
    let profile = tempdir_under("shotline-fresh-page")?;
    let deadline = Instant::now() + Duration::from_secs(PAGE_CONNECT_TIMEOUT_S);
    let url = format!("http://127.0.0.1:{port}/");
    let mut connected = false;
    while Instant::now() < deadline && !connected {
        let output = Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=8000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(&url)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .context("running headless Chromium")?;
        connected = String::from_utf8_lossy(&output.stdout).contains(">Connected<");
    }
    let _ = fs::remove_dir_all(&profile);
    Ok(connected)
}

fn tempdir_under(name: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The same command in a new network namespace with only loopback up: no registry, no
/// rustup server, nothing but this machine.
fn without_network(inner: Command) -> Command {
    let mut command = Command::new("unshare");
    command
        .args([
            "--net",
            "--",
            "sh",
            "-c",
            "ip link set lo up && exec \"$@\"",
            "sh",
        ])
        .arg(inner.get_program())
        .args(inner.get_args());
    if let Some(dir) = inner.get_current_dir() {
        command.current_dir(dir);
    }
    for (name, value) in inner.get_envs() {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    command
}

fn current_cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"))
        .join("bin")
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Links into `to` every program of `from` that is rustup itself (its proxies `cargo`,
/// `rustc`, … are the same file under other names), and nothing that `cargo install` put
/// there.
fn link_rustup_proxies(from: &Path, to: &Path) -> Result<Vec<String>> {
    let rustup = fs::metadata(from.join("rustup")).with_context(|| {
        format!(
            "no rustup in {}: this command needs a rustup toolchain",
            from.display()
        )
    })?;
    let mut linked = Vec::new();
    for entry in fs::read_dir(from)?.flatten() {
        let Ok(metadata) = fs::metadata(entry.path()) else {
            continue;
        };
        if metadata.dev() == rustup.dev() && metadata.ino() == rustup.ino() {
            std::os::unix::fs::symlink(entry.path(), to.join(entry.file_name()))?;
            linked.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    linked.sort();
    if !linked.iter().any(|name| name == "cargo") {
        bail!("{} holds no rustup proxy named cargo", from.display());
    }
    Ok(linked)
}

/// A hard-linked copy of the active toolchain (with the wasm32 target) minus rust-src,
/// linked into rustup under [`NO_SRC_TOOLCHAIN`].
fn link_toolchain_without_rust_src(base: &Path, rustup_home: &Path) -> Result<String> {
    announce("A toolchain without rust-src that cannot get it");
    // The copy carries the targets the real toolchain has: add wasm32 there first, as
    // the first `cargo xtask` on a fresh machine would.
    run_command(Command::new("rustup").args(["target", "add", crate::tools::WASM_TARGET]))?;
    let sysroot = output_of("rustc", &["--print", "sysroot"]).context("rustc --print sysroot failed")?;
    let copy = base.join("toolchain-without-rust-src");
    run_command(Command::new("cp").args(["-al", sysroot.trim()]).arg(&copy))?;
    let src = copy.join("lib/rustlib/src");
    if src.exists() {
        fs::remove_dir_all(&src)?;
    }
    let link = rustup_home.join("toolchains").join(NO_SRC_TOOLCHAIN);
    let _ = fs::remove_file(&link);
    run_command(
        Command::new("rustup")
            .args(["toolchain", "link", NO_SRC_TOOLCHAIN])
            .arg(&copy),
    )?;
    detail(&format!("RUSTUP_TOOLCHAIN={NO_SRC_TOOLCHAIN} for the runs below"));
    Ok(NO_SRC_TOOLCHAIN.to_owned())
}

fn minutes(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    format!("{} m {:02} s", seconds / 60, seconds % 60)
}
