//! Command line, with ComfyUI's own flag names where ComfyUI has one.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::config::{Config, DEFAULT_MAX_UPLOAD_SIZE_MB, DEFAULT_STEP_MS};

#[derive(Debug, Parser)]
#[command(
    name = "comfy-sim",
    version,
    about = "A ComfyUI stand-in that speaks the real protocol"
)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8188)]
    pub port: u16,
    /// Switch the origin check off and send CORS headers allowing ORIGIN (default `*`).
    #[arg(long, value_name = "ORIGIN", num_args = 0..=1, default_missing_value = "*")]
    pub enable_cors_header: Option<String>,
    /// Offer simulated model nodes (checkpoint loaders, KSampler, VAE, SVD) that need no weights.
    #[arg(long)]
    pub fake_models: bool,
    /// Enable the /sim/faults routes for fault injection.
    #[arg(long)]
    pub faults: bool,
    /// Time each simulated sampler step takes, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_STEP_MS)]
    pub step_ms: u64,
    /// Largest accepted request body, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_UPLOAD_SIZE_MB)]
    pub max_upload_size: u64,
    /// Folder holding output/, input/ and temp/ (default: a fresh temporary folder per run).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Output folder (default: <data-dir>/output).
    #[arg(long, value_name = "DIR")]
    pub output_directory: Option<PathBuf>,
    /// Input folder for LoadImage and uploads (default: <data-dir>/input).
    #[arg(long, value_name = "DIR")]
    pub input_directory: Option<PathBuf>,
    /// Temp folder for previews (default: <data-dir>/temp).
    #[arg(long, value_name = "DIR")]
    pub temp_directory: Option<PathBuf>,
}

impl Cli {
    pub fn into_config(self) -> Config {
        Config {
            listen: self.listen,
            port: self.port,
            cors_origin: self.enable_cors_header,
            fake_models: self.fake_models,
            faults: self.faults,
            step_ms: self.step_ms,
            max_upload_size_mb: self.max_upload_size,
            data_dir: self.data_dir,
            output_dir: self.output_directory,
            input_dir: self.input_directory,
            temp_dir: self.temp_directory,
            argv: std::env::args().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_flag_without_value_allows_every_origin() {
        let cli = Cli::parse_from(["comfy-sim", "--enable-cors-header"]);
        assert_eq!(cli.enable_cors_header.as_deref(), Some("*"));
    }

    #[test]
    fn cors_flag_with_value_allows_that_origin() {
        let cli = Cli::parse_from([
            "comfy-sim",
            "--enable-cors-header",
            "http://localhost:8080",
            "--port",
            "9",
        ]);
        assert_eq!(cli.enable_cors_header.as_deref(), Some("http://localhost:8080"));
        assert_eq!(cli.port, 9);
    }

    #[test]
    fn defaults_match_comfyui() {
        let cli = Cli::parse_from(["comfy-sim"]);
        assert_eq!(cli.port, 8188);
        assert_eq!(cli.listen.to_string(), "127.0.0.1");
        assert_eq!(cli.max_upload_size, 100);
        assert!(cli.enable_cors_header.is_none());
    }
}
