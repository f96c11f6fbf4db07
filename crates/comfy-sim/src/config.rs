//! Run-time settings, built by the CLI or directly by tests.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

pub const DEFAULT_STEP_MS: u64 = 150;
pub const DEFAULT_MAX_UPLOAD_SIZE_MB: u64 = 100;
const BYTES_PER_MB: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: IpAddr,
    pub port: u16,
    /// `Some(origin)` when started with `--enable-cors-header`.
    pub cors_origin: Option<String>,
    pub fake_models: bool,
    pub faults: bool,
    pub step_ms: u64,
    pub max_upload_size_mb: u64,
    pub data_dir: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
    pub input_dir: Option<PathBuf>,
    pub temp_dir: Option<PathBuf>,
    /// Reported in /system_stats like ComfyUI reports its own argv.
    pub argv: Vec<String>,
}

impl Config {
    /// Settings for an in-process test server: free port, temporary folders.
    pub fn for_tests() -> Self {
        Self {
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            cors_origin: None,
            fake_models: false,
            faults: false,
            step_ms: DEFAULT_STEP_MS,
            max_upload_size_mb: DEFAULT_MAX_UPLOAD_SIZE_MB,
            data_dir: None,
            output_dir: None,
            input_dir: None,
            temp_dir: None,
            argv: vec!["comfy-sim".to_owned()],
        }
    }

    pub fn max_upload_size_bytes(&self) -> u64 {
        self.max_upload_size_mb.saturating_mul(BYTES_PER_MB)
    }
}
