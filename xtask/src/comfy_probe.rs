//! Does a ComfyUI answer at this address? A plain HTTP/1.0 GET of /system_stats, enough
//! to decide between "use it" and "start the simulator" without an HTTP client crate.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Result, bail};

const PROBE_TIMEOUT_MS: u64 = 2_000;

/// A ComfyUI address split into what a socket needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComfyAddress {
    pub host: String,
    pub port: u16,
    pub path_prefix: String,
}

impl ComfyAddress {
    pub fn parse(url: &str) -> Result<Self> {
        let Some(rest) = url.strip_prefix("http://") else {
            bail!("--comfy must be an http:// address like http://127.0.0.1:8188 (got {url})");
        };
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => match port.parse() {
                Ok(port) => (host, port),
                Err(_) => bail!("--comfy has an invalid port: {url}"),
            },
            None => (authority, 80),
        };
        if host.is_empty() {
            bail!("--comfy has no host: {url}");
        }
        let path_prefix = path.trim_end_matches('/');
        let path_prefix = if path_prefix.is_empty() {
            String::new()
        } else {
            format!("/{path_prefix}")
        };
        Ok(Self {
            host: host.to_owned(),
            port,
            path_prefix,
        })
    }

    pub fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host == "::1" || self.host.starts_with("127.")
    }

    pub fn http_base(&self) -> String {
        format!("http://{}:{}{}", self.host, self.port, self.path_prefix)
    }

    pub fn ws_base(&self) -> String {
        format!("ws://{}:{}{}", self.host, self.port, self.path_prefix)
    }
}

pub enum Probe {
    /// A ComfyUI (or comfy-sim) answered; its `comfyui_version`.
    Comfy {
        version: String,
    },
    /// Something listens there but is not ComfyUI.
    Other {
        status_line: String,
    },
    Nothing,
}

pub fn probe(address: &ComfyAddress) -> Probe {
    let Some(socket_addr) = (address.host.as_str(), address.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
    else {
        return Probe::Nothing;
    };
    let timeout = Duration::from_millis(PROBE_TIMEOUT_MS);
    let Ok(mut stream) = TcpStream::connect_timeout(&socket_addr, timeout) else {
        return Probe::Nothing;
    };
    let request = format!(
        "GET {}/api/system_stats HTTP/1.0\r\nHost: {}:{}\r\nAccept: application/json\r\n\r\n",
        address.path_prefix, address.host, address.port
    );
    let mut response = Vec::new();
    let exchanged = stream.set_read_timeout(Some(timeout)).is_ok()
        && stream.write_all(request.as_bytes()).is_ok()
        && stream.take(1 << 20).read_to_end(&mut response).is_ok();
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default().to_owned();
    if !exchanged || status_line.is_empty() {
        return Probe::Other {
            status_line: "no HTTP answer".into(),
        };
    }
    let version = text
        .split("\"comfyui_version\"")
        .nth(1)
        .and_then(|after| after.split('"').nth(1))
        .map(str::to_owned);
    match version {
        Some(version) if status_line.contains(" 200") => Probe::Comfy { version },
        _ => Probe::Other { status_line },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comfy_addresses_keep_host_port_and_prefix() {
        let address = ComfyAddress::parse("http://127.0.0.1:8188/").unwrap();
        assert_eq!(address.host, "127.0.0.1");
        assert_eq!(address.port, 8188);
        assert_eq!(address.path_prefix, "");
        assert!(address.is_loopback());
        let proxied = ComfyAddress::parse("http://gpu-box:9000/comfy").unwrap();
        assert_eq!(proxied.http_base(), "http://gpu-box:9000/comfy");
        assert_eq!(proxied.ws_base(), "ws://gpu-box:9000/comfy");
        assert!(!proxied.is_loopback());
    }

    #[test]
    fn non_http_or_portless_garbage_is_refused() {
        assert!(ComfyAddress::parse("https://x:1").is_err());
        assert!(ComfyAddress::parse("http://:8188").is_err());
        assert!(ComfyAddress::parse("http://h:port").is_err());
    }
}
