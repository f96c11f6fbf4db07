//! Headless Chromium and ChromeDriver for the browser and end-to-end tiers.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};

use crate::step::{announce, detail, output_of, run_command};

const APT_PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// Finds Debian's Chromium + ChromeDriver, installing them with apt-get when running as
/// root; otherwise says exactly which packages to install.
pub fn ensure_browser() -> Result<Browser> {
    announce("Chromium + ChromeDriver (Debian packages)");
    if let Some(browser) = find() {
        let version = output_of(&browser.chromium, &["--version"]).unwrap_or_default();
        detail(&format!("found {}", version.trim()));
        return Ok(browser);
    }
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        bail!(
            "Chromium and ChromeDriver are missing and installing them needs root. Run:\n    \
             sudo apt-get update && sudo apt-get install -y {}",
            APT_PACKAGES.join(" ")
        );
    }
    run_command(Command::new("apt-get").arg("update"))?;
    run_command(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(APT_PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    find().ok_or_else(|| {
        anyhow::anyhow!("apt-get finished but /usr/bin/chromium or /usr/bin/chromedriver is missing")
    })
}

fn find() -> Option<Browser> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    let chromedriver = PathBuf::from("/usr/bin/chromedriver");
    (chromium.is_file() && chromedriver.is_file()).then_some(Browser {
        chromium,
        chromedriver,
    })
}

/// A temporary folder under `target/tmp` for the browsers and simulators of one run, emptied first and
/// removed afterwards. ChromeDriver leaves a ≈ 90 MB profile in `$TMPDIR` for every
/// session wasm-bindgen-test-runner starts (it never deletes them), which filled disks.
pub struct BrowserScratch(PathBuf);

impl BrowserScratch {
    pub fn new(target_dir: &std::path::Path, name: &str) -> Result<Self> {
        let dir = target_dir.join("tmp").join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    /// Points the command's browsers (and everything else it starts) at this folder.
    pub fn apply(&self, command: &mut Command) {
        command.env("TMPDIR", &self.0);
    }
}

impl Drop for BrowserScratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
