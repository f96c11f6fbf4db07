//! `cargo xtask serve`: the app under `trunk serve`, with a ComfyUI behind its proxy,
//! the simulator when no real one answers.

use std::path::{Path, PathBuf};
use std::process::{Child, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::comfy_probe::{ComfyAddress, Probe, probe};
use crate::ports;
use crate::processes;
use crate::step::{announce, describe, detail, run_command};
use crate::tools::{Tools, ensure_app_tools};

const DEFAULT_COMFY_URL: &str = "http://127.0.0.1:8188";
const SIM_START_TIMEOUT_S: u64 = 60;
const GENERATED_TRUNK_CONFIG: &str = "Trunk.xtask.toml";

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Port of the app server (trunk serve).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// ComfyUI to proxy /api and /ws to.
    #[arg(long, default_value = DEFAULT_COMFY_URL)]
    comfy: String,
    /// Never start the simulator, even when no ComfyUI answers.
    #[arg(long)]
    no_sim: bool,
}

/// Child processes that die with us, whichever way we leave.
#[derive(Default)]
struct Children(Vec<(String, Child)>);

impl Drop for Children {
    fn drop(&mut self) {
        for (name, child) in &mut self.0 {
            if matches!(child.try_wait(), Ok(None)) {
                println!("==> stopping {name}");
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

pub fn run(root: &Path, args: ServeArgs) -> Result<ExitCode> {
    let address = ComfyAddress::parse(&args.comfy)?;
    let tools = ensure_app_tools(root)?;
    ports::ensure_free("127.0.0.1", args.port, "the app server (trunk serve)")?;

    let mut children = Children::default();
    announce(&format!("ComfyUI at {}", address.http_base()));
    match probe(&address) {
        Probe::Comfy { version } => detail(&format!("ComfyUI {version} answers: the app will use it")),
        Probe::Other { status_line } => bail!(
            "{} answers but is not ComfyUI ({status_line}). Stop what listens there, or pass \
             --comfy with your ComfyUI's address",
            address.http_base()
        ),
        Probe::Nothing if args.no_sim => detail(&format!(
            "nothing answers there and --no-sim was given: the app will show the server as \
             unreachable until ComfyUI is started at {}",
            address.http_base()
        )),
        Probe::Nothing if !address.is_loopback() => bail!(
            "nothing answers at {} and the simulator can only stand in on this machine \
             (127.0.0.1). Start that ComfyUI, or pass --no-sim to serve anyway",
            address.http_base()
        ),
        Probe::Nothing => children
            .0
            .push(("comfy-sim".into(), start_simulator(&tools, &address)?)),
    }

    let config = trunk_config_for(root, &address)?;
    announce(&format!(
        "Building the app and serving it with trunk serve at port {} (the first build takes a \
         few minutes)",
        args.port
    ));
    let mut trunk = tools.trunk();
    trunk.args(["serve", "--port", &args.port.to_string()]);
    if let Some(config) = &config {
        trunk.arg("--config").arg(config);
    }
    detail(&format!("$ {}", describe(&trunk)));
    let trunk_child = trunk.spawn().context("could not start trunk")?;
    children.0.push(("trunk serve".into(), trunk_child));

    let mut announced = false;
    loop {
        for (name, child) in &mut children.0 {
            if let Some(status) = child.try_wait()? {
                // Ctrl-C reaches the children too; they may exit before our handler has
                // ended the rest and the process (processes.rs).
                std::thread::sleep(Duration::from_millis(300));
                if processes::interrupted() {
                    return Ok(ExitCode::from(130));
                }
                bail!("{name} stopped unexpectedly ({status})");
            }
        }
        // Trunk listens only once its first build is done: say where the app is then,
        // not before, so the address printed is one that answers.
        if !announced && ports::accepts_connections("127.0.0.1", args.port) {
            announced = true;
            announce(&format!(
                "the app is at http://127.0.0.1:{} (Ctrl-C stops everything)",
                args.port
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn start_simulator(tools: &Tools, address: &ComfyAddress) -> Result<Child> {
    detail("no ComfyUI answers there");
    announce("Building comfy-sim, the built-in ComfyUI simulator");
    run_command(tools.cargo().args(["build", "--quiet", "--package", "comfy-sim"]))?;
    let binary = tools.target_dir().join("debug/comfy-sim");
    let mut command = tools.command(&binary.to_string_lossy());
    command.args([
        "--listen",
        &address.host,
        "--port",
        &address.port.to_string(),
        "--fake-models",
    ]);
    detail(&format!("$ {}", describe(&command)));
    let child = command.spawn().context("could not start comfy-sim")?;
    ports::wait_until_listening(
        &address.host,
        address.port,
        Duration::from_secs(SIM_START_TIMEOUT_S),
        "comfy-sim",
    )?;
    println!();
    println!(
        "    *** No ComfyUI was running, so Shotline talks to comfy-sim, a SIMULATOR, at {}.",
        address.http_base()
    );
    println!("    *** Its images and videos are generated patterns, not model output. Start ComfyUI");
    println!("    *** there (or pass --comfy URL) for real generations.");
    println!();
    Ok(child)
}

/// Trunk.toml proxies to 127.0.0.1:8188; another address gets a generated copy.
fn trunk_config_for(root: &Path, address: &ComfyAddress) -> Result<Option<PathBuf>> {
    if address.http_base() == DEFAULT_COMFY_URL {
        return Ok(None);
    }
    let source = root.join("Trunk.toml");
    let text = std::fs::read_to_string(&source).with_context(|| format!("reading {}", source.display()))?;
    let mut config: toml::Table = text.parse().context("Trunk.toml is not valid TOML")?;
    let proxies = config
        .get_mut("proxy")
        .and_then(toml::Value::as_array_mut)
        .context("Trunk.toml has no [[proxy]] entries")?;
    for proxy in proxies.iter_mut().filter_map(toml::Value::as_table_mut) {
        let is_ws = proxy.get("ws").and_then(toml::Value::as_bool).unwrap_or(false);
        let backend = if is_ws {
            format!("{}/ws", address.ws_base())
        } else {
            format!("{}/api/", address.http_base())
        };
        proxy.insert("backend".into(), toml::Value::String(backend));
    }
    let generated = root.join(GENERATED_TRUNK_CONFIG);
    std::fs::write(&generated, toml::to_string(&config)?)
        .with_context(|| format!("writing {}", generated.display()))?;
    detail(&format!(
        "proxying /api and /ws to {} ({GENERATED_TRUNK_CONFIG})",
        address.http_base()
    ));
    Ok(Some(generated))
}
