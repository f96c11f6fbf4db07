//! The binary as other tools run it: the ready line, the port-in-use failure.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_binary(port: u16) -> (KillOnDrop, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comfy-sim"))
        .args(["--listen", "127.0.0.1", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("ready line");
    (KillOnDrop(child), line)
}

#[test]
fn binary_prints_listening_line_and_refuses_a_port_in_use_naming_it() {
    let (_first, line) = start_binary(0);
    assert!(
        line.starts_with("comfy-sim listening on http://127.0.0.1:"),
        "got {line:?}"
    );
    let port: u16 = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("a port");

    let second = Command::new(env!("CARGO_BIN_EXE_comfy-sim"))
        .args(["--port", &port.to_string()])
        .output()
        .expect("second binary runs");
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("port {port}")),
        "stderr names the port: {stderr}"
    );
}
