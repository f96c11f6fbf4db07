//! Benchmark P1's inputs: ComfyUI's own frontend, fetched once from PyPI, and both it
//! and Shotline's release build precompressed with brotli, so one static server sends
//! both the way a host serving a precompressed build does.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::dist::brotli_best;
use crate::step::{announce, describe, detail, run_command};
use crate::tools::Tools;

/// The release measured at 2,099 KB brotli when the goal was set (issue 11).
pub(super) const COMFYUI_FRONTEND_VERSION: &str = "1.58.1";
const COMFYUI_FRONTEND_PACKAGE: &str = "comfyui-frontend-package";
/// Where the wheel keeps the built frontend.
const WHEEL_STATIC_DIR: &str = "comfyui_frontend_package/static";
/// Text a static host compresses; images, fonts and video are compressed already, and
/// source maps are fetched by DevTools only.
const COMPRESSIBLE: [&str; 10] = [
    "html", "js", "mjs", "css", "wasm", "json", "svg", "txt", "xml", "ico",
];
const BROTLI_SUFFIX: &str = "br";

/// ComfyUI's frontend, `static/` of the pinned wheel, precompressed. The wheel is kept
/// under target/bench/, so later runs need no network; `Err` says why it is unavailable.
pub(super) fn comfyui_frontend(tools: &Tools) -> Result<PathBuf, String> {
    announce(&format!(
        "Benchmark P1: ComfyUI's own frontend ({COMFYUI_FRONTEND_PACKAGE} {COMFYUI_FRONTEND_VERSION} from PyPI)"
    ));
    let cache = tools
        .target_dir()
        .join("bench/comfyui-frontend")
        .join(COMFYUI_FRONTEND_VERSION);
    let prepared = || -> Result<PathBuf> {
        let extracted = cache.join("extracted");
        let static_dir = extracted.join(WHEEL_STATIC_DIR);
        if !static_dir.join("index.html").is_file() {
            let wheel = cached_wheel(&cache)?;
            run_command(
                Command::new("python3")
                    .args(["-m", "zipfile", "-e"])
                    .arg(&wheel)
                    .arg(&extracted),
            )?;
        }
        precompress(&static_dir)?;
        Ok(static_dir)
    };
    prepared().map_err(|error| {
        let reason = format!("ComfyUI's frontend is unavailable, so P1 has no baseline: {error:#}");
        detail(&reason);
        reason
    })
}

/// The pinned wheel, downloaded with pip unless an earlier run did.
fn cached_wheel(cache: &Path) -> Result<PathBuf> {
    if let Some(wheel) = find_wheel(cache) {
        return Ok(wheel);
    }
    std::fs::create_dir_all(cache)?;
    let mut pip = Command::new("python3");
    pip.args([
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--disable-pip-version-check",
    ])
    .arg(format!("{COMFYUI_FRONTEND_PACKAGE}=={COMFYUI_FRONTEND_VERSION}"))
    .arg("-d")
    .arg(cache);
    run_command(&mut pip)?;
    find_wheel(cache).with_context(|| format!("`{}` left no wheel in {}", describe(&pip), cache.display()))
}

fn find_wheel(cache: &Path) -> Option<PathBuf> {
    std::fs::read_dir(cache)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "whl"))
}

/// Writes `x.br` beside every compressible `x` under `dir` that lacks an up-to-date one,
/// on every core (ComfyUI's frontend is 40 MB of JavaScript; a later run finds them).
pub(super) fn precompress(dir: &Path) -> Result<()> {
    let mut pending = Vec::new();
    collect_stale(dir, &mut pending)?;
    if pending.is_empty() {
        return Ok(());
    }
    detail(&format!(
        "brotli-compressing {} files under {}",
        pending.len(),
        dir.display()
    ));
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = pending.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pending
            .chunks(chunk)
            .map(|files| scope.spawn(move || files.iter().try_for_each(|file| compress_beside(file))))
            .collect();
        workers.into_iter().try_for_each(|worker| match worker.join() {
            Ok(result) => result,
            Err(_) => bail!("a compressing thread panicked"),
        })
    })
}

fn compress_beside(file: &Path) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    std::fs::write(brotli_path(file), brotli_best(&bytes)?)
        .with_context(|| format!("writing {}.{BROTLI_SUFFIX}", file.display()))
}

fn brotli_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".{BROTLI_SUFFIX}"));
    PathBuf::from(name)
}

fn collect_stale(dir: &Path, into: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_stale(&path, into)?;
        } else if is_compressible(&path) && !is_fresh(&brotli_path(&path), &path) {
            into.push(path);
        }
    }
    Ok(())
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| COMPRESSIBLE.contains(&ext))
}

/// `derived` exists and is newer than `source`.
fn is_fresh(derived: &Path, source: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|meta| meta.modified()).ok();
    matches!((modified(derived), modified(source)), (Some(d), Some(s)) if d >= s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precompresses_text_once_and_leaves_images_alone() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>shotline</p>".repeat(100)).unwrap();
        std::fs::write(dir.join("assets/app.js"), "let a = 1;".repeat(100)).unwrap();
        std::fs::write(dir.join("assets/frame.png"), [0u8; 64]).unwrap();
        precompress(&dir).unwrap();
        assert!(dir.join("index.html.br").is_file());
        assert!(dir.join("assets/app.js.br").is_file());
        assert!(!dir.join("assets/frame.png.br").exists());
        let mut stale = Vec::new();
        collect_stale(&dir, &mut stale).unwrap();
        assert!(stale.is_empty(), "a second run compresses nothing: {stale:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
