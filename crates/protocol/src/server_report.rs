//! What "Test connection" tells a person about a server, from the server's own answers:
//! version, device, VRAM in human units with the low-VRAM rule, queue length and the
//! capability flags of `/features`. Pure, so the rules are tested natively.

use serde_json::Value;

use crate::http::{Device, QueueSnapshot, SystemStats};
use crate::ws::FeatureFlags;

const BYTES_PER_KIB: u64 = 1024;
const BYTES_PER_MIB: u64 = 1024 * BYTES_PER_KIB;
const BYTES_PER_GIB: u64 = 1024 * BYTES_PER_MIB;
/// Below this much free VRAM most image-to-video workflows run out of memory.
pub const LOW_VRAM_FREE_BYTES: u64 = 4 * BYTES_PER_GIB;
/// ComfyUI reports system RAM as the "VRAM" of a CPU device (trace m_misc).
const CPU_DEVICE_TYPE: &str = "cpu";
/// A server (or an extension) could list anything: the panel shows a bounded amount.
const CAPABILITIES_SHOWN_MAX: usize = 24;
const CAPABILITY_VALUE_MAX_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq)]
pub struct ServerReport {
    pub comfyui_version: String,
    /// The device ComfyUI runs on (the first it lists), if it lists any.
    pub device: Option<DeviceReport>,
    /// Prompts of every client, not only Shotline's.
    pub queue_running: usize,
    pub queue_pending: usize,
    /// `None` when the server has no `/features` route (404): it predates the flags.
    pub capabilities: Option<Vec<Capability>>,
    /// comfy-sim names itself in its device name and argv.
    pub is_simulator: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceReport {
    pub name: String,
    /// `cuda`, `mps`, `xpu`, `cpu`, ... as ComfyUI reports it.
    pub device_type: String,
    pub vram_total_bytes: u64,
    pub vram_free_bytes: u64,
}

/// One flag of `/features`, with its value as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub name: String,
    pub value: String,
}

impl ServerReport {
    pub fn new(stats: &SystemStats, features: Option<&FeatureFlags>, queue: &QueueSnapshot) -> Self {
        let device = stats.main_device().map(DeviceReport::from);
        let is_simulator = device.as_ref().is_some_and(|d| d.name.contains("comfy-sim"))
            || stats.system.argv.iter().any(|arg| arg.contains("comfy-sim"));
        Self {
            comfyui_version: stats.system.comfyui_version.clone(),
            device,
            queue_running: queue.queue_running.len(),
            queue_pending: queue.queue_pending.len(),
            capabilities: features.map(capabilities),
            is_simulator,
        }
    }

    /// Running plus pending: what `queue_remaining` of the socket's `status` counts.
    pub fn queue_length(&self) -> usize {
        self.queue_running + self.queue_pending
    }
}

impl From<&Device> for DeviceReport {
    fn from(device: &Device) -> Self {
        Self {
            name: device.name.clone(),
            device_type: device.device_type.clone(),
            vram_total_bytes: device.vram_total,
            vram_free_bytes: device.vram_free,
        }
    }
}

impl DeviceReport {
    pub fn is_low_vram(&self) -> bool {
        is_low_vram(&self.device_type, self.vram_total_bytes, self.vram_free_bytes)
    }

    /// `"22.5 GiB free of 23.5 GiB"`, or `None` when the device reports no memory.
    pub fn vram_summary(&self) -> Option<String> {
        vram_summary(self.vram_total_bytes, self.vram_free_bytes)
    }

    /// On a CPU device the "VRAM" figures are the machine's RAM.
    pub fn is_cpu(&self) -> bool {
        self.device_type.eq_ignore_ascii_case(CPU_DEVICE_TYPE)
    }
}

/// Less than [`LOW_VRAM_FREE_BYTES`] free on a GPU. A CPU device is never "low VRAM"
/// (its figures are RAM), nor is a device that reports no memory at all.
pub fn is_low_vram(device_type: &str, vram_total_bytes: u64, vram_free_bytes: u64) -> bool {
    !device_type.eq_ignore_ascii_case(CPU_DEVICE_TYPE)
        && vram_total_bytes > 0
        && vram_free_bytes < LOW_VRAM_FREE_BYTES
}

pub fn vram_summary(vram_total_bytes: u64, vram_free_bytes: u64) -> Option<String> {
    (vram_total_bytes > 0).then(|| {
        format!(
            "{} free of {}",
            format_bytes(vram_free_bytes),
            format_bytes(vram_total_bytes)
        )
    })
}

/// Binary units with one decimal from KiB up: `512 B`, `1.5 KiB`, `100.0 MiB`, `23.5 GiB`.
pub fn format_bytes(bytes: u64) -> String {
    let units = [
        (BYTES_PER_GIB * 1024, "TiB"),
        (BYTES_PER_GIB, "GiB"),
        (BYTES_PER_MIB, "MiB"),
        (BYTES_PER_KIB, "KiB"),
    ];
    units
        .iter()
        .find(|(size, _)| bytes >= *size)
        .map(|(size, unit)| format!("{} {unit}", one_decimal(bytes as f64 / *size as f64)))
        .unwrap_or_else(|| format!("{bytes} B"))
}

/// `value` with one decimal, as `{:.1}` prints it but for ties, which round away from
/// zero. `{:.N}` links Rust's exact float printer (≈ 2 KB brotli in the bundle, issue 8);
/// rounded tenths are an integer.
pub fn one_decimal(value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", (tenths / 10).abs(), (tenths % 10).abs())
}

/// The flags as a person reads them: the two Shotline uses first, then every other one
/// (nested objects flattened to `a.b`), sorted by name, at most [`CAPABILITIES_SHOWN_MAX`].
pub fn capabilities(flags: &FeatureFlags) -> Vec<Capability> {
    let mut list = vec![Capability {
        name: "supports_preview_metadata".into(),
        value: yes_no(flags.supports_preview_metadata),
    }];
    if let Some(size) = flags.max_upload_size {
        list.push(Capability {
            name: "max_upload_size".into(),
            value: format_bytes(size),
        });
    }
    let mut others = Vec::new();
    for (name, value) in &flags.other {
        flatten_flag(name, value, &mut others);
    }
    list.extend(others);
    list.truncate(CAPABILITIES_SHOWN_MAX);
    list
}

fn flatten_flag(name: &str, value: &Value, out: &mut Vec<Capability>) {
    let text = match value {
        Value::Object(fields) => {
            for (key, inner) in fields {
                flatten_flag(&format!("{name}.{key}"), inner, out);
            }
            return;
        }
        Value::Bool(flag) => yes_no(*flag),
        Value::Number(number) if is_size_name(name) => {
            number.as_u64().map_or_else(|| number.to_string(), format_bytes)
        }
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => "none".into(),
    };
    out.push(Capability {
        name: name.to_owned(),
        value: shorten(&text),
    });
}

fn is_size_name(name: &str) -> bool {
    name.ends_with("_size") || name.ends_with("_bytes")
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.into()
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= CAPABILITY_VALUE_MAX_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(CAPABILITY_VALUE_MAX_CHARS - 1).collect();
    short.push('…');
    short
}
