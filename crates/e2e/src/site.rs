//! The app's release build served as static files, the way a team would host it.

use std::net::SocketAddr;

use anyhow::Result;
use tower_http::services::{ServeDir, ServeFile};

use crate::env_path;

pub struct StaticSite {
    pub addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl StaticSite {
    pub async fn start() -> Result<Self> {
        let dist = env_path("SHOTLINE_E2E_DIST");
        let files = ServeDir::new(&dist).fallback(ServeFile::new(dist.join("index.html")));
        let app = axum::Router::new().fallback_service(files);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, server })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}
