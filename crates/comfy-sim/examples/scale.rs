//! Measures comfy-sim under load and prints the figures:
//! `cargo run -p comfy-sim --release --example scale`.
//!
//! 1. Fan-out: 100 clients, a socket each (ComfyUI keeps one socket per clientId), each
//!    with its own prompt emitting progress as fast as it can, behind the prompt of one
//!    client that never reads; reports messages per second and per-socket counts.
//! 2. History: 10,050 tiny prompts; reports how many entries `/history` keeps.

use std::time::Instant;

use comfy_sim::Config;
use futures_util::StreamExt;
use futures_util::future::join_all;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const CLIENTS: usize = 100;
/// The never-reading client's prompt: enough messages to overflow its outbox.
const STALLED_COUNTERS: u64 = 5;
const COUNTERS: u64 = 1;
const STEPS_PER_COUNTER: u64 = 1000;
const HISTORY_PROMPTS: usize = 10_050;
const SMALL_RECEIVE_BUFFER_BYTES: u32 = 1024;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// `color` makes each client's prompt different, so none is served from the cache.
fn counters_workflow(counters: u64, color: usize) -> Value {
    let mut workflow = json!({"1": {"class_type": "EmptyImage",
        "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": color}}});
    for node in 2..counters + 2 {
        workflow[node.to_string()] = json!({"class_type": "SlowCounter",
            "inputs": {"image": [(node - 1).to_string(), 0], "steps": STEPS_PER_COUNTER, "delay": 0.0}});
    }
    workflow[(counters + 2).to_string()] = json!({"class_type": "PreviewImage",
        "inputs": {"images": [(counters + 1).to_string(), 0]}});
    workflow
}

/// Counts messages until the prompt's final `executing null`, and whether that end arrived
/// before the socket closed.
async fn count_until_done(mut socket: Socket) -> (usize, bool) {
    let mut count = 0;
    while let Some(Ok(message)) = socket.next().await {
        count += 1;
        if let Message::Text(text) = message
            && text.contains("\"type\":\"executing\"")
            && text.contains("\"node\":null")
        {
            return (count, true);
        }
    }
    (count, false)
}

async fn connect(
    addr: std::net::SocketAddr,
    client_id: &str,
    receive_buffer: Option<u32>,
) -> Result<Socket, Box<dyn std::error::Error>> {
    let tcp = tokio::net::TcpSocket::new_v4()?;
    if let Some(bytes) = receive_buffer {
        tcp.set_recv_buffer_size(bytes)?;
    }
    let stream = tcp.connect(addr).await?;
    let url = format!("ws://{addr}/ws?clientId={client_id}");
    let (socket, _) =
        tokio_tungstenite::client_async(url, tokio_tungstenite::MaybeTlsStream::Plain(stream)).await?;
    Ok(socket)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = comfy_sim::start(Config::for_tests()).await?;
    let addr = sim.addr();
    tokio::spawn(sim.serve_until_stopped());
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");

    let mut sockets = Vec::new();
    for client in 0..CLIENTS {
        sockets.push(connect(addr, &format!("crowd-{client}"), None).await?);
    }
    let stalled = connect(addr, "stalled", Some(SMALL_RECEIVE_BUFFER_BYTES)).await?;
    let started = Instant::now();
    let mut bodies =
        vec![json!({"prompt": counters_workflow(STALLED_COUNTERS, CLIENTS), "client_id": "stalled"})];
    for client in 0..CLIENTS {
        bodies.push(
            json!({"prompt": counters_workflow(COUNTERS, client), "client_id": format!("crowd-{client}")}),
        );
    }
    for body in &bodies {
        http.post(format!("{base}/prompt"))
            .json(body)
            .send()
            .await?
            .error_for_status()?;
    }
    let results = join_all(sockets.into_iter().map(count_until_done)).await;
    let seconds = started.elapsed().as_secs_f64();
    let counts: Vec<usize> = results.iter().map(|(count, _)| *count).collect();
    let (min, max) = (
        counts.iter().min().copied().unwrap_or(0),
        counts.iter().max().copied().unwrap_or(0),
    );
    let complete = results.iter().filter(|(_, done)| *done).count();
    println!(
        "fan-out: {CLIENTS} clients, a prompt of {COUNTERS}x{STEPS_PER_COUNTER} steps each, {seconds:.2} s"
    );
    println!("  messages per socket: min {min}, max {max}; sockets that saw the end: {complete}/{CLIENTS}");
    println!(
        "  messages delivered per second, all sockets: {:.0}",
        counts.iter().sum::<usize>() as f64 / seconds
    );
    let (stalled_count, stalled_done) = count_until_done(stalled).await;
    println!(
        "  never-reading socket: got {stalled_count} messages before being cut off (saw the end: {stalled_done})"
    );

    let started = Instant::now();
    let tiny = json!({"1": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 1, "batch_size": 1, "color": 0}},
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}});
    let mut last = String::new();
    for index in 0..HISTORY_PROMPTS {
        let mut workflow = tiny.clone();
        workflow["1"]["inputs"]["color"] = json!(index);
        let answer: Value = http
            .post(format!("{base}/prompt"))
            .json(&json!({"prompt": workflow}))
            .send()
            .await?
            .json()
            .await?;
        last = answer["prompt_id"].as_str().unwrap_or_default().to_owned();
    }
    while http
        .get(format!("{base}/history/{last}"))
        .send()
        .await?
        .json::<Value>()
        .await?
        .get(&last)
        .is_none()
    {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let history: Value = http.get(format!("{base}/history")).send().await?.json().await?;
    let kept = history.as_object().map_or(0, serde_json::Map::len);
    println!(
        "history: {HISTORY_PROMPTS} prompts in {:.1} s, /history keeps {kept} entries",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
