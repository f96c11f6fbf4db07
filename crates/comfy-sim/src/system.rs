//! The machine description of `/system_stats`, shaped like trace m_misc.

use serde_json::{Value, json};

use crate::config::Config;

pub const COMFYUI_VERSION: &str = "0.3.64";
/// The device name tells every UI that shows it that no real GPU is behind this server.
pub const DEVICE_NAME: &str = "comfy-sim (simulated CPU)";
/// Used when /proc/meminfo is unavailable: the figures of the machine trace m_misc was recorded on.
const FALLBACK_RAM_TOTAL_BYTES: u64 = 25_276_502_016;
const FALLBACK_RAM_FREE_BYTES: u64 = 24_203_431_936;
const BYTES_PER_KIB: u64 = 1024;

pub fn system_stats(config: &Config) -> Value {
    let (ram_total, ram_free) = memory_bytes().unwrap_or((FALLBACK_RAM_TOTAL_BYTES, FALLBACK_RAM_FREE_BYTES));
    json!({
        "system": {
            "os": python_os_name(),
            "ram_total": ram_total,
            "ram_free": ram_free,
            "comfyui_version": COMFYUI_VERSION,
            "required_frontend_version": "1.27.10",
            "installed_templates_version": "0.1.95",
            "required_templates_version": "0.1.95",
            "python_version": "3.11.7 (comfy-sim, no Python)",
            "pytorch_version": "none (comfy-sim)",
            "embedded_python": false,
            "argv": config.argv,
        },
        "devices": [{
            "name": DEVICE_NAME,
            "type": "cpu",
            "index": null,
            "vram_total": ram_total,
            "vram_free": ram_free,
            "torch_vram_total": ram_total,
            "torch_vram_free": ram_free,
        }],
    })
}

/// Python's `os.name`, which ComfyUI reports: `posix` on Linux and macOS (trace m_misc).
fn python_os_name() -> &'static str {
    if cfg!(windows) { "nt" } else { "posix" }
}

/// `(MemTotal, MemAvailable)` in bytes, like ComfyUI reports RAM as VRAM on a CPU device.
fn memory_bytes() -> Option<(u64, u64)> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        meminfo
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * BYTES_PER_KIB)
    };
    Some((field("MemTotal:")?, field("MemAvailable:")?))
}
