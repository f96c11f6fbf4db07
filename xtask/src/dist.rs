//! `cargo xtask dist`: the release build for static hosting, and what it weighs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::release::fetched_on_demand;
use crate::step::announce;
use crate::tools::ensure_app_tools;

#[derive(clap::Args)]
pub struct DistArgs {
    /// URL path the app will be served under, e.g. /shotline/ (default /).
    #[arg(long, default_value = "/")]
    public_url: String,
}

pub fn run(root: &Path, args: DistArgs) -> Result<ExitCode> {
    let tools = ensure_app_tools(root)?;
    let public_url = normalise_public_url(&args.public_url);
    announce(&format!("Release build into dist/ for {public_url}"));
    crate::release::build(&tools, &root.join("dist"), &public_url)?;
    announce("Sizes");
    print_sizes(&root.join("dist"))?;
    Ok(ExitCode::SUCCESS)
}

/// Trunk wants the sub-path with slashes on both ends.
fn normalise_public_url(url: &str) -> String {
    let trimmed = url.trim().trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

pub fn compressed_sizes(bytes: &[u8]) -> Result<Sizes> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)?;
    let gzip = gzip.finish()?.len();
    Ok(Sizes {
        raw: bytes.len(),
        gzip,
        brotli: brotli_best(bytes)?.len(),
    })
}

/// Brotli at its best quality, as a static host precompresses a release.
pub fn brotli_best(bytes: &[u8]) -> Result<Vec<u8>> {
    const BROTLI_BEST_QUALITY: u32 = 11;
    const BROTLI_WINDOW_BITS: u32 = 22;
    let mut brotli = Vec::new();
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut brotli, 4096, BROTLI_BEST_QUALITY, BROTLI_WINDOW_BITS);
        writer.write_all(bytes)?;
    }
    Ok(brotli)
}

/// Prints raw/gzip/brotli sizes of every file under dist/, the total a first load moves
/// and the total of the chunks fetched only when a side panel is first opened; returns the
/// first load's.
pub fn print_sizes(dist: &Path) -> Result<Sizes> {
    let mut files: Vec<_> = std::fs::read_dir(dist)
        .with_context(|| format!("reading {}", dist.display()))?
        .flatten()
        .filter(|entry| entry.path().is_file())
        .collect();
    files.sort_by_key(|entry| entry.file_name());
    let zero = || Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    let (mut first_load, mut on_demand) = (zero(), zero());
    let row = |name: &str, sizes: &Sizes| {
        println!(
            "    {:<44} {:>10} {:>10} {:>10}",
            name,
            kb(sizes.raw),
            kb(sizes.gzip),
            kb(sizes.brotli)
        );
    };
    println!("    {:<44} {:>10} {:>10} {:>10}", "file", "raw", "gzip", "brotli");
    for entry in files {
        let name = entry.file_name().to_string_lossy().into_owned();
        let sizes = compressed_sizes(&std::fs::read(entry.path())?)?;
        let total = if fetched_on_demand(&name) {
            row(&format!("{name} (on first open)"), &sizes);
            &mut on_demand
        } else {
            row(&name, &sizes);
            &mut first_load
        };
        total.raw += sizes.raw;
        total.gzip += sizes.gzip;
        total.brotli += sizes.brotli;
    }
    row("first load", &first_load);
    row("side panels' chunks, fetched on first open", &on_demand);
    Ok(first_load)
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_get_slashes_on_both_ends() {
        assert_eq!(normalise_public_url("shotline"), "/shotline/");
        assert_eq!(normalise_public_url("/a/b"), "/a/b/");
        assert_eq!(normalise_public_url(""), "/");
        assert_eq!(normalise_public_url("/"), "/");
    }

    #[test]
    fn repetitive_bytes_compress_and_brotli_beats_nothing() {
        let bytes = "shotline ".repeat(1000).into_bytes();
        let sizes = compressed_sizes(&bytes).unwrap();
        assert_eq!(sizes.raw, 9000);
        assert!(sizes.gzip < 200, "gzip {}", sizes.gzip);
        assert!(sizes.brotli < 200, "brotli {}", sizes.brotli);
    }
}
