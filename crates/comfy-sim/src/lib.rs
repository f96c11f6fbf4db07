//! comfy-sim: a native stand-in for a ComfyUI 0.3.64 server.
//!
//! It speaks the protocol recorded in `fixtures/comfyui/traces/` (routes, status codes, JSON
//! bodies, WebSocket message order) and runs weight-free nodes for real, so Shotline's tests
//! and demos need no GPU and no model files.

mod aiohttp;
mod cache;
pub mod cli;
pub mod config;
mod dirs;
mod error;
mod execution;
mod faults;
mod graph;
mod history;
mod listener;
mod media;
mod messages;
mod nodes;
mod origin;
mod paths;
mod progress;
mod prompt_log;
mod queue;
mod routes;
mod state;
mod system;
mod validate;
mod video;
mod worker;
mod ws;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::Config;
pub use dirs::DataDirs;
pub use error::{ServeError, StartError};

use listener::RestartAwareListener;
use state::Sim;

/// A simulator that is bound to its port but not yet serving.
pub struct RunningSim {
    listener: TcpListener,
    addr: SocketAddr,
    sim: Arc<Sim>,
}

/// Binds the port and prepares the data folders; call [`RunningSim::serve_until_stopped`] next.
pub async fn start(config: Config) -> Result<RunningSim, StartError> {
    let listen = config.listen.to_string();
    let port = config.port;
    let listener = TcpListener::bind((config.listen, port)).await.map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            StartError::PortInUse {
                listen: listen.clone(),
                port,
            }
        } else {
            StartError::Bind {
                listen: listen.clone(),
                port,
                source,
            }
        }
    })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Bind { listen, port, source })?;
    let dirs = DataDirs::prepare(&config)?;
    let nodes = nodes::NodeRegistry::new(config.fake_models)?;
    Ok(RunningSim {
        listener,
        addr,
        sim: Arc::new(Sim::new(config, dirs, nodes)),
    })
}

impl RunningSim {
    /// The address actually bound (the real port when the config asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where outputs, inputs and previews live for this run.
    pub fn dirs(&self) -> &DataDirs {
        &self.sim.dirs
    }

    /// Serves HTTP and WebSocket clients until the listener fails.
    pub async fn serve_until_stopped(self) -> Result<(), ServeError> {
        let app = routes::app(Arc::clone(&self.sim));
        let worker = tokio::spawn(worker::run(Arc::clone(&self.sim)));
        let listener = RestartAwareListener::new(self.listener, Arc::clone(&self.sim));
        let served = axum::serve(listener, app).await.map_err(ServeError);
        worker.abort();
        served
    }
}
