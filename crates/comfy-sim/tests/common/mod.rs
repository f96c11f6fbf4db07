//! Shared test harness: an in-process simulator on a free port, plus small HTTP and WebSocket
//! helpers. Waits use generous timeouts so a loaded machine slows tests down but never fails them.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use comfy_sim::Config;
use futures_util::{SinkExt, StreamExt};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub mod replay;
pub mod trace;

pub const WAIT_TIMEOUT: Duration = Duration::from_secs(60);
const TINY_RECEIVE_BUFFER_BYTES: u32 = 1024;
const HISTORY_POLL_INTERVAL: Duration = Duration::from_millis(50);

pub struct TestSim {
    pub addr: SocketAddr,
    pub output_dir: PathBuf,
    pub input_dir: PathBuf,
    pub temp_dir: PathBuf,
    pub http: reqwest::Client,
    _server: tokio::task::JoinHandle<()>,
}

impl Drop for TestSim {
    fn drop(&mut self) {
        self._server.abort();
    }
}

pub async fn spawn(config: Config) -> TestSim {
    let sim = comfy_sim::start(config).await.expect("simulator starts");
    let addr = sim.addr();
    let dirs = sim.dirs();
    let (output_dir, input_dir, temp_dir) = (dirs.output.clone(), dirs.input.clone(), dirs.temp.clone());
    let server = tokio::spawn(async move {
        sim.serve_until_stopped().await.expect("simulator serves");
    });
    TestSim {
        addr,
        output_dir,
        input_dir,
        temp_dir,
        http: reqwest::Client::new(),
        _server: server,
    }
}

pub async fn spawn_default() -> TestSim {
    spawn(Config::for_tests()).await
}

/// A simulator with the `/sim/faults` routes.
pub async fn spawn_with_faults() -> TestSim {
    spawn(Config {
        faults: true,
        ..Config::for_tests()
    })
    .await
}

impl TestSim {
    /// `POST /sim/faults` with `fault`; the fault state it answers with.
    pub async fn inject(&self, fault: Value) -> Value {
        let response = self.post_json("/sim/faults", &fault).await;
        assert_eq!(response.status(), 200, "fault {fault} accepted");
        response.json().await.expect("fault state")
    }

    /// `POST /upload/image` of `bytes` named `name` with the extra form `fields`: the
    /// status and body.
    pub async fn upload(&self, name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (u16, String) {
        let mut form = Form::new().part("image", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
        for (field, value) in fields {
            form = form.text((*field).to_owned(), (*value).to_owned());
        }
        let response = self
            .http
            .post(self.url("/upload/image"))
            .multipart(form)
            .send()
            .await
            .expect("upload answers");
        (response.status().as_u16(), response.text().await.expect("body"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).send().await.expect("GET answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST answers")
    }

    pub async fn socket(&self, client_id: &str) -> Socket {
        self.socket_with_origin(client_id, None)
            .await
            .expect("socket opens")
    }

    /// A socket whose client-side receive buffer is as small as the kernel allows, so a test
    /// that stops reading from it fills the server's per-client outbox quickly.
    pub async fn socket_with_tiny_receive_buffer(&self, client_id: &str) -> Socket {
        let tcp = tokio::net::TcpSocket::new_v4().expect("socket");
        tcp.set_recv_buffer_size(TINY_RECEIVE_BUFFER_BYTES)
            .expect("buffer size");
        let stream = tcp.connect(self.addr).await.expect("connects");
        let url = format!("ws://{}/ws?clientId={client_id}", self.addr);
        let (stream, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
            .await
            .expect("upgrade");
        Socket { stream }
    }

    /// A socket opened without any `clientId` in its URL.
    pub async fn socket_without_client_id(&self) -> Socket {
        let url = format!("ws://{}/ws", self.addr);
        let (stream, _) = tokio_tungstenite::connect_async(url).await.expect("socket opens");
        Socket { stream }
    }

    pub async fn socket_with_origin(
        &self,
        client_id: &str,
        origin: Option<&str>,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{}/ws?clientId={client_id}", self.addr)
            .into_client_request()
            .expect("valid url");
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("valid header"));
        }
        let (stream, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Socket { stream })
    }
}

/// What a test socket received: a JSON text message or a binary frame.
#[derive(Debug, Clone)]
pub enum Frame {
    Json(Value),
    Binary(Vec<u8>),
}

impl Frame {
    pub fn kind(&self) -> String {
        match self {
            Frame::Json(message) => message["type"].as_str().unwrap_or_default().to_owned(),
            Frame::Binary(bytes) => {
                let event = bytes
                    .get(..4)
                    .map(|head| u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
                format!("binary:{}", event.unwrap_or_default())
            }
        }
    }

    pub fn json(&self) -> &Value {
        match self {
            Frame::Json(message) => message,
            Frame::Binary(_) => &Value::Null,
        }
    }
}

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    /// The next frame, or `None` when the server closed the socket.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let message = tokio::time::timeout(WAIT_TIMEOUT, self.stream.next())
                .await
                .expect("a frame within the timeout")?;
            match message.ok()? {
                Message::Text(text) => return Some(Frame::Json(serde_json::from_str(&text).expect("JSON"))),
                Message::Binary(bytes) => return Some(Frame::Binary(bytes.to_vec())),
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// The next frame if one arrives within `wait`; for checking that nothing is being sent.
    pub async fn frame_within(&mut self, wait: Duration) -> Option<Frame> {
        tokio::time::timeout(wait, self.next_frame()).await.ok().flatten()
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.stream.send(message).await.expect("send");
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }

    /// Closes and waits until the server has let go of the connection, so that the server
    /// has run its end-of-connection bookkeeping before the test goes on.
    pub async fn close_and_wait(mut self) {
        let _ = self.stream.close(None).await;
        while self.next_frame().await.is_some() {}
    }

    /// True when nothing arrives within `wait` and the socket is still open: the server
    /// keeps the connection but sends it nothing.
    pub async fn is_open_and_silent_for(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.next_frame()).await.is_err()
    }

    pub async fn next_json(&mut self) -> Value {
        loop {
            if let Frame::Json(message) = self.next_frame().await.expect("socket stays open") {
                return message;
            }
        }
    }

    pub async fn send_json(&mut self, message: &Value) {
        self.stream
            .send(Message::text(message.to_string()))
            .await
            .expect("send");
    }

    /// Frames up to and including `executing {node: null}` for `prompt_id`.
    pub async fn frames_until_done(&mut self, prompt_id: &str) -> Vec<Frame> {
        let mut frames = Vec::new();
        loop {
            let frame = self
                .next_frame()
                .await
                .expect("socket stays open until the prompt ends");
            let done = frame.kind() == "executing"
                && frame.json()["data"]["node"].is_null()
                && frame.json()["data"]["prompt_id"] == prompt_id;
            frames.push(frame);
            if done {
                return frames;
            }
        }
    }
}

/// EmptyImage → SlowCounter(`steps`, `delay_s` seconds each) → SaveImage, as traces d–i use.
pub fn slow_workflow(steps: u64, delay_s: f64) -> Value {
    serde_json::json!({
        "1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 255}},
        "2": {"class_type": "SlowCounter", "inputs": {"image": ["1", 0], "steps": steps, "delay": delay_s}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "slow"}},
    })
}

impl TestSim {
    /// Queues `workflow` for `client_id` under a fresh prompt_id and returns that id.
    pub async fn submit(&self, client_id: &str, workflow: &Value) -> String {
        let prompt_id = uuid::Uuid::new_v4().to_string();
        let body = serde_json::json!({"prompt": workflow, "client_id": client_id, "prompt_id": prompt_id});
        let response = self.post_json("/prompt", &body).await;
        assert_eq!(response.status(), 200, "prompt accepted");
        prompt_id
    }

    /// Polls `/history/{id}` until the prompt has finished, and returns its entry.
    pub async fn wait_for_history(&self, prompt_id: &str) -> Value {
        let waited = tokio::time::timeout(WAIT_TIMEOUT, async {
            loop {
                let (_, body) = self.get_json(&format!("/history/{prompt_id}")).await;
                if let Some(entry) = body.get(prompt_id) {
                    return entry.clone();
                }
                tokio::time::sleep(HISTORY_POLL_INTERVAL).await;
            }
        });
        waited.await.expect("the prompt finishes within the timeout")
    }
}

pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/comfyui")
        .join(relative)
}

pub fn load_fixture(relative: &str) -> Value {
    let text = std::fs::read_to_string(fixture(relative)).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is JSON")
}
