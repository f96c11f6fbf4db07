//! The build tools Shotline needs, installed once with pinned versions and found again
//! without touching the network on later runs.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::step::{announce, detail, output_of, run_command};

/// Trunk 0.22+ needs a newer rustc than this machine's 1.95 (shared/TOOLCHAIN.md).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen 108 produced a broken bundle; npm's binaryen 132 works.
pub const BINARYEN_NPM_VERSION: &str = "132.0.0";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The flags of `.cargo/config.toml` for wasm32, which `RUSTFLAGS` replaces rather than
/// extends (a test below keeps the two in step).
const CONFIG_WASM_RUSTFLAGS: &[&str] = &["--cfg", "erase_components", "-C", "symbol-mangling-version=v0"];

/// What a release build adds when it can rebuild the standard library (issue 8: first
/// load <= 400 KB compressed). `immediate-abort` drops the panic machinery — a panic in
/// the release app traps without a message, as `panic = "abort"` already ends the app —,
/// and no source locations are kept for it. Together with the standard library built
/// for size: wasm 463.9 -> 433.1 KB brotli, measured on this tree.
const SIZE_RUSTFLAGS: &[&str] = &[
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    "-Zlocation-detail=none",
];

/// Paths and environment for running the installed tools.
pub struct Tools {
    pub root: PathBuf,
    path: OsString,
}

impl Tools {
    /// A command with the tool directories first on PATH.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// `trunk` with offline settings, so it never downloads wasm-bindgen or wasm-opt itself.
    pub fn trunk(&self) -> Command {
        let mut command = self.command("trunk");
        command
            .env("TRUNK_OFFLINE", "true")
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .env("NO_COLOR", "true");
        command
    }

    /// `trunk build --release` with the side panels' split points compiled in (see
    /// release.rs, which cuts the module after Trunk), and the standard library rebuilt for
    /// size when its source and crates can be had. The unstable cargo and rustc flags that
    /// needs are allowed on the pinned stable toolchain through `RUSTC_BOOTSTRAP`, for this
    /// build only: debug builds, tests and plain `trunk serve` use `.cargo/config.toml` as
    /// it is. The source is looked for (and installed) here, so commands without a release
    /// build (`cargo xtask serve`) never reach for the network for it.
    pub fn trunk_release(&self) -> Command {
        let build_std = ensure_std_source(self);
        let mut command = self.trunk();
        command.args(["build", "--release"]);
        if build_std {
            command
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
                .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size");
        }
        command.env("RUSTFLAGS", release_rustflags(build_std));
        command
    }

    /// Where cargo puts builds: `CARGO_TARGET_DIR` when set, else `target/`.
    pub fn target_dir(&self) -> PathBuf {
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| self.root.join("target"), PathBuf::from)
    }

    pub fn cargo(&self) -> Command {
        self.command(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
    }
}

fn cargo_bin_dir() -> PathBuf {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    cargo_home.join("bin")
}

fn binaryen_bin_dir(root: &Path) -> PathBuf {
    root.join(".tools/binaryen/node_modules/.bin")
}

/// Installs what is missing for building the app: the wasm32 target, Trunk,
/// wasm-bindgen-cli matching Cargo.lock, wasm-opt from npm. Each step checks first.
pub fn ensure_app_tools(root: &Path) -> Result<Tools> {
    let mut path_dirs = vec![binaryen_bin_dir(root), cargo_bin_dir()];
    path_dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    let tools = Tools {
        root: root.to_path_buf(),
        path: env::join_paths(path_dirs).context("PATH holds a directory name that cannot be joined")?,
    };
    ensure_wasm_target(&tools)?;
    ensure_crates_fetched(&tools)?;
    ensure_trunk(&tools)?;
    ensure_wasm_bindgen(&tools)?;
    ensure_wasm_opt(&tools)?;
    Ok(tools)
}

/// The active toolchain's sysroot (`RUSTUP_TOOLCHAIN` and overrides respected).
fn sysroot(tools: &Tools) -> Option<PathBuf> {
    let output = tools
        .command("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
}

/// Looked for in the sysroot rather than asked of rustup, which cannot list the targets
/// of a linked toolchain.
fn ensure_wasm_target(tools: &Tools) -> Result<()> {
    announce(&format!("Rust target {WASM_TARGET}"));
    let installed = sysroot(tools)
        .is_some_and(|sysroot| sysroot.join("lib/rustlib").join(WASM_TARGET).join("lib").is_dir());
    if installed {
        detail("already installed");
        return Ok(());
    }
    run_command(tools.command("rustup").args(["target", "add", WASM_TARGET]))
}

/// Split points compiled in, and the relocations the splitter reads kept by the linker.
const SPLIT_RUSTFLAGS: &[&str] = &["--cfg", "shotline_split", "-Clink-arg=--emit-relocs"];

fn release_rustflags(build_std: bool) -> String {
    let size: &[&str] = if build_std { SIZE_RUSTFLAGS } else { &[] };
    [CONFIG_WASM_RUSTFLAGS, SPLIT_RUSTFLAGS, size].concat().join(" ")
}

const PREBUILT_STD_FALLBACK: &str =
    "release builds keep the prebuilt standard library (first load ≈ 30 KB bigger)";

/// The standard library's source and the crates it depends on, for release builds that
/// rebuild it for size. std's dependencies come from the lock file beside its source, not
/// from Cargo.lock, and Trunk builds offline, so they are fetched here (issue 15: a fresh
/// machine's e2e tier failed on `moto-rt`). When either cannot be had (no network on a
/// first run) the release build still works with the prebuilt standard library.
fn ensure_std_source(tools: &Tools) -> bool {
    announce("Standard library source (rust-src) and its crates, for smaller release builds");
    let library = match std_library(tools) {
        Ok(library) => library,
        Err(why) => {
            detail(&format!(
                "rust-src is not available ({why}): {PREBUILT_STD_FALLBACK}"
            ));
            return false;
        }
    };
    let manifest = library.join("Cargo.toml");
    let fetch = |offline: bool| {
        let mut command = tools.cargo();
        command
            .args(["fetch", "--locked", "--manifest-path"])
            .arg(&manifest)
            // The library's manifest uses cargo features of the toolchain's own build.
            .env("RUSTC_BOOTSTRAP", "1");
        if offline {
            command.arg("--offline");
        }
        command
    };
    if fetch(true).output().is_ok_and(|output| output.status.success()) {
        detail("rust-src installed, its crates in the local cache");
        return true;
    }
    let mut online = fetch(false);
    detail(&format!(
        "fetching the crates of {}",
        library.join("Cargo.lock").display()
    ));
    match run_command(&mut online) {
        Ok(()) => true,
        Err(error) => {
            detail(&format!(
                "could not fetch them ({error:#}): {PREBUILT_STD_FALLBACK}"
            ));
            false
        }
    }
}

/// `library/` of the sysroot's rust-src, installed first when missing; otherwise what
/// rustup said, in one line.
fn std_library(tools: &Tools) -> Result<PathBuf, String> {
    let library = sysroot(tools)
        .ok_or("rustc --print sysroot failed")?
        .join("lib/rustlib/src/rust/library");
    let present = |library: &Path| library.join("Cargo.lock").is_file();
    if present(&library) {
        return Ok(library);
    }
    let added = tools
        .command("rustup")
        .args(["component", "add", "rust-src"])
        .env_remove("RUST_BACKTRACE")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| format!("rustup could not be run: {error}"))?;
    if added.status.success() && present(&library) {
        return Ok(library);
    }
    let said = String::from_utf8_lossy(&added.stderr);
    let first_line = said
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("no reason given");
    Err(format!("rustup: {first_line}"))
}

/// Trunk builds offline, so every crate must be in cargo's cache first.
fn ensure_crates_fetched(tools: &Tools) -> Result<()> {
    announce("Crates in Cargo.lock");
    let offline = tools.cargo().args(["fetch", "--locked", "--offline"]).output();
    if offline.is_ok_and(|output| output.status.success()) {
        detail("all in the local cache");
        return Ok(());
    }
    run_command(tools.cargo().args(["fetch", "--locked"]))
}

fn ensure_trunk(tools: &Tools) -> Result<()> {
    announce(&format!("trunk {TRUNK_VERSION}"));
    let version = output_of(tools_program(tools, "trunk"), &["--version"]).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        detail("already installed");
        return Ok(());
    }
    detail("building from the crate registry (about 7 minutes the first time)");
    run_command(
        tools
            .cargo()
            .args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]),
    )
}

fn ensure_wasm_bindgen(tools: &Tools) -> Result<()> {
    let wanted = locked_version(&tools.root, "wasm-bindgen")?;
    announce(&format!("wasm-bindgen-cli {wanted} (the version in Cargo.lock)"));
    let version = output_of(tools_program(tools, "wasm-bindgen"), &["--version"]).unwrap_or_default();
    let runner = output_of(tools_program(tools, "wasm-bindgen-test-runner"), &["--version"]);
    if version.split_whitespace().nth(1) == Some(wanted.as_str()) && runner.is_some() {
        detail("already installed");
        return Ok(());
    }
    detail("building from the crate registry (about 2 minutes the first time)");
    // Without `--locked`, the way shared/TOOLCHAIN.md found to build on rustc 1.95.
    run_command(
        tools
            .cargo()
            .args(["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]),
    )
}

fn ensure_wasm_opt(tools: &Tools) -> Result<()> {
    announce(&format!(
        "wasm-opt from npm binaryen@{BINARYEN_NPM_VERSION} (in .tools/)"
    ));
    let wasm_opt = binaryen_bin_dir(&tools.root).join("wasm-opt");
    let major = BINARYEN_NPM_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_NPM_VERSION);
    let version = output_of(&wasm_opt, &["--version"]).unwrap_or_default();
    if version.contains(&format!("version {major}")) {
        detail("already installed");
        return Ok(());
    }
    let prefix = tools.root.join(".tools/binaryen");
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    run_command(tools.command("npm").args([
        "install",
        "--no-audit",
        "--no-fund",
        "--prefix",
        &prefix.to_string_lossy(),
        &format!("binaryen@{BINARYEN_NPM_VERSION}"),
    ]))?;
    if output_of(&wasm_opt, &["--version"]).is_none() {
        bail!("npm installed binaryen but {} does not run", wasm_opt.display());
    }
    Ok(())
}

/// Resolves a program through the tools PATH (for version checks before anything runs).
fn tools_program(tools: &Tools, name: &str) -> PathBuf {
    env::split_paths(&tools.path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    let lock =
        std::fs::read_to_string(&lock_path).with_context(|| format!("reading {}", lock_path.display()))?;
    let table: toml::Table = lock.parse().context("Cargo.lock is not valid TOML")?;
    table
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .find(|entry| entry.get("name").and_then(toml::Value::as_str) == Some(package))
        .and_then(|entry| entry.get("version").and_then(toml::Value::as_str))
        .map(str::to_owned)
        .with_context(|| format!("Cargo.lock has no package {package}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `RUSTFLAGS` replaces the config's flags: a release build that lost
    /// `erase_components` would still work, only bigger, so nothing else would notice.
    #[test]
    fn release_flags_start_with_the_config_flags() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml");
        let config: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let flags = config["target"]["wasm32-unknown-unknown"]["rustflags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|flag| flag.as_str().unwrap())
            .collect::<Vec<_>>();
        assert_eq!(flags, CONFIG_WASM_RUSTFLAGS);
        for build_std in [false, true] {
            assert!(release_rustflags(build_std).starts_with(&flags.join(" ")));
        }
    }
}
