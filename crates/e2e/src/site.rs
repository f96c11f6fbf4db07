//! The app's release build served as static files, the way a team would host it.

use std::net::SocketAddr;
use std::path::Path;

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
        Self::serve(axum::Router::new().fallback_service(files)).await
    }

    /// Serves `dir` as a host serves a precompressed build: `x.br` beside `x` goes out with
    /// `Content-Encoding: br` to a browser that accepts brotli. Unknown paths are 404s,
    /// which is what a frontend served without its backend gets for its API calls.
    pub async fn precompressed(dir: &Path) -> Result<Self> {
        let files = ServeDir::new(dir).precompressed_br();
        Self::serve(axum::Router::new().fallback_service(files)).await
    }

    async fn serve(app: axum::Router) -> Result<Self> {
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
