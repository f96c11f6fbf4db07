//! TCP accept loop that can play dead during a simulated restart (`{"restart": true}` fault).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::Listener;
use tokio::net::{TcpListener, TcpStream};

use crate::state::Sim;

pub struct RestartAwareListener {
    inner: TcpListener,
    sim: Arc<Sim>,
}

impl RestartAwareListener {
    pub fn new(inner: TcpListener, sim: Arc<Sim>) -> Self {
        Self { inner, sim }
    }
}

impl Listener for RestartAwareListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = Listener::accept(&mut self.inner).await;
            // A restarting ComfyUI has no listening socket: closing at once is the closest
            // a bound port can get to "connection refused".
            if !self.sim.is_restarting() {
                return (stream, addr);
            }
            drop(stream);
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
