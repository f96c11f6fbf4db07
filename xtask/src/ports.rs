//! Is a port free, and if not, who holds it.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// Fails with the port and the process holding it when `port` cannot be bound.
pub fn ensure_free(host: &str, port: u16, what: &str) -> Result<()> {
    if TcpListener::bind((host, port)).is_ok() {
        return Ok(());
    }
    let holder = match listener_process(port) {
        Some((pid, command)) => {
            format!("process {pid} (`{command}`) is listening on it; stop it with `kill {pid}`")
        }
        None => "another process is listening on it; `ss -ltnp` shows which".to_owned(),
    };
    bail!("port {port} on {host} is already in use, so {what} cannot start: {holder}, or choose another port")
}

/// A free port chosen by the OS, for test servers.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

pub fn accepts_connections(host: &str, port: u16) -> bool {
    resolve(host, port)
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok())
}

/// Waits until something accepts connections on host:port.
pub fn wait_until_listening(host: &str, port: u16, timeout: Duration, what: &str) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if accepts_connections(host, port) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!(
        "{what} did not start listening on {host}:{port} within {} s",
        timeout.as_secs()
    )
}

fn resolve(host: &str, port: u16) -> Option<SocketAddr> {
    (host, port).to_socket_addrs().ok()?.next()
}

/// (pid, command line) of the process listening on `port`, read from /proc on Linux.
fn listener_process(port: u16) -> Option<(u32, String)> {
    let inode = listening_socket_inode(port)?;
    let target = format!("socket:[{inode}]");
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let owns_socket = fds
            .flatten()
            .any(|fd| fs::read_link(fd.path()).is_ok_and(|link| link.to_string_lossy() == target));
        if owns_socket {
            let command = fs::read(entry.path().join("cmdline"))
                .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " ").trim().to_owned())
                .unwrap_or_default();
            return Some((pid, command));
        }
    }
    None
}

fn listening_socket_inode(port: u16) -> Option<String> {
    const TCP_LISTEN_STATE: &str = "0A";
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().find_map(|table| {
        let text = fs::read_to_string(table).ok()?;
        text.lines().skip(1).find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields.get(1)?.rsplit(':').next()?;
            let listening = fields.get(3) == Some(&TCP_LISTEN_STATE);
            (listening && u16::from_str_radix(local_port, 16).ok()? == port)
                .then(|| fields.get(9).map(|s| s.to_string()))?
        })
    })
}
