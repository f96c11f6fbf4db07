//! The release build as users get it: Trunk builds the page, then the wasm module is cut
//! into the part the first screen needs and chunks fetched later (the side panels, see
//! src/components/lazy_panel.rs), each optimised as Trunk would.
//!
//! Trunk cannot split a module, so it builds with the split points compiled in
//! (`--cfg shotline_split`, relocations kept for the splitter) and its own wasm-bindgen and
//! wasm-opt output is then replaced: `wasm_split_cli_support` splits cargo's module,
//! wasm-bindgen (keeping the exports the chunks link against) and wasm-opt run on the
//! parts, and index.html's integrity hashes are updated for the two files that changed.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha384};

use crate::step::{announce, detail, run_command};
use crate::tools::Tools;

/// index.html's `data-wasm-opt="z"` and `data-wasm-opt-params` (a test keeps them equal).
const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--reorder-functions-by-name",
    "--low-memory-unused",
    "--converge",
];

/// `trunk build --release` into `dist`, then the module split into chunks.
pub fn build(tools: &Tools, dist: &Path, public_url: &str) -> Result<()> {
    run_command(
        tools
            .trunk_release()
            .args(["--public-url", public_url, "--dist"])
            .arg(dist),
    )?;
    split(tools, dist)
}

fn split(tools: &Tools, dist: &Path) -> Result<()> {
    announce("Cutting the module into first-load part and panel chunks");
    let glue = single_file(dist, |name| {
        name.starts_with("shotline-") && name.ends_with(".js")
    })?;
    let stem = glue
        .file_stem()
        .and_then(|stem| stem.to_str())
        .context("Trunk's glue file has no name")?
        .to_owned();
    let module = dist.join(format!("{stem}_bg.wasm"));
    let cargo_module = tools
        .target_dir()
        .join("wasm32-unknown-unknown/release/shotline.wasm");
    let work = tools.target_dir().join("split");
    if work.exists() {
        fs::remove_dir_all(&work).with_context(|| format!("clearing {}", work.display()))?;
    }
    fs::create_dir_all(&work)?;

    let input = fs::read(&cargo_module).with_context(|| format!("reading {}", cargo_module.display()))?;
    let main_module = format!("./{stem}.js");
    let main_wasm = work.join("main.wasm");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &work;
    options.main_out_path = &main_wasm;
    options.main_module = &main_module;
    let chunks = wasm_split_cli_support::transform(options)
        .map_err(|error| anyhow::anyhow!("splitting {}: {error}", cargo_module.display()))?
        .split_modules;
    if chunks.is_empty() {
        bail!(
            "{} has no split points: was it built with --cfg shotline_split?",
            cargo_module.display()
        );
    }

    let bindgen = work.join("bindgen");
    run_command(
        tools
            .command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--keep-lld-exports"])
            .arg("--out-dir")
            .arg(&bindgen)
            .args(["--out-name", &stem])
            .arg(&main_wasm),
    )?;

    let old_hashes = [integrity(&glue)?, integrity(&module)?];
    wasm_opt(tools, &bindgen.join(format!("{stem}_bg.wasm")), &module)?;
    fs::copy(bindgen.join(format!("{stem}.js")), &glue)?;
    let loader = work.join("__wasm_split.js");
    fs::copy(&loader, dist.join("__wasm_split.js"))
        .with_context(|| format!("copying {}", loader.display()))?;
    for chunk in &chunks {
        let name = chunk.file_name().context("a chunk without a file name")?;
        wasm_opt(tools, chunk, &dist.join(name))?;
        detail(&format!("chunk {}", name.to_string_lossy()));
    }

    let index = dist.join("index.html");
    let mut html = fs::read_to_string(&index)?;
    for (old, file) in old_hashes.iter().zip([&glue, &module]) {
        if html.matches(old.as_str()).count() != 1 {
            bail!(
                "index.html does not name {} by its integrity hash once",
                file.display()
            );
        }
        html = html.replace(old.as_str(), &integrity(file)?);
    }
    fs::write(&index, html)?;
    Ok(())
}

/// Rust 1.95's wasm32 features. The split parts lose the `target_features` section that
/// wasm-opt would read them from.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The split's chunks: a panel's own (`split_*`) and code shared by several panels
/// (`chunk_*`), fetched by `__wasm_split.js` when a panel is first opened.
pub fn fetched_on_demand(file_name: &str) -> bool {
    file_name.ends_with(".wasm") && (file_name.starts_with("split_") || file_name.starts_with("chunk_"))
}

fn wasm_opt(tools: &Tools, input: &Path, output: &Path) -> Result<()> {
    run_command(
        tools
            .command("wasm-opt")
            .args(WASM_OPT_ARGS)
            .args(WASM_FEATURES)
            .arg(input)
            .arg("-o")
            .arg(output),
    )
}

/// The Subresource Integrity value Trunk writes for `file`.
fn integrity(file: &Path) -> Result<String> {
    let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let digest = Sha384::digest(&bytes);
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

fn single_file(dir: &Path, wanted: impl Fn(&str) -> bool) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(&wanted) {
            found.push(path);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!("expected one app glue file in {}, found {found:?}", dir.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunks must be optimised as Trunk optimises the first-load module.
    #[test]
    fn wasm_opt_args_are_index_html_s() {
        let index = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../index.html")).unwrap();
        let params = index
            .split("data-wasm-opt-params=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        assert!(index.contains("data-wasm-opt=\"z\""));
        let mut expected = vec!["-Oz"];
        expected.extend(params.split_whitespace());
        assert_eq!(WASM_OPT_ARGS, expected.as_slice());
    }

    #[test]
    fn only_the_chunks_wait_for_a_panel() {
        assert!(fetched_on_demand("split_shotline_servers.wasm"));
        assert!(fetched_on_demand("chunk_4.wasm"));
        assert!(!fetched_on_demand("shotline-ebf470332d84d2a_bg.wasm"));
        assert!(!fetched_on_demand("__wasm_split.js"));
        assert!(!fetched_on_demand("split_notes.css"));
    }

    #[test]
    fn integrity_is_sha384_in_base64() {
        let dir = std::env::temp_dir().join(format!("xtask-integrity-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.js");
        fs::write(&file, "abc").unwrap();
        // sha384("abc"), FIPS 180-2 appendix D.
        assert_eq!(
            integrity(&file).unwrap(),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
