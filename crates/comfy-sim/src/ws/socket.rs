//! One WebSocket connection: greeting, `feature_flags` negotiation, then forwarding its outbox.
//! Messages reach a connection only while it holds its sid in the hub (see `hub`).

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};

use super::hub::{ConnectionId, Registration, SidGone};
use crate::messages;
use crate::state::Sim;

#[derive(Debug, Deserialize)]
pub struct SocketQuery {
    #[serde(rename = "clientId")]
    client_id: Option<String>,
}

pub async fn upgrade(
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    Query(query): Query<SocketQuery>,
    State(sim): State<Arc<Sim>>,
) -> Response {
    if let Some(text) = super::handshake::refusal(&headers) {
        return crate::aiohttp::bad_request(text);
    }
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return crate::aiohttp::sent_before_middlewares(rejection.into_response()),
    };
    // Without a clientId ComfyUI makes up a hex sid (trace i_ws_reconnect, phase 2).
    let sid = query
        .client_id
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    crate::aiohttp::sent_before_middlewares(upgrade.on_upgrade(move |socket| serve(socket, sim, sid)))
}

async fn serve(socket: WebSocket, sim: Arc<Sim>, sid: String) {
    let registration = sim.hub.register(&sid, greeting(&sim, &sid));
    let id = registration.id;
    let (mut sink, mut stream) = socket.split();
    forward(&mut sink, &mut stream, &sim, registration).await;
    // Before the socket is dropped, so a client that has seen it close knows the sid is free.
    sim.hub.unregister(id);
}

/// `status` with sid; a client reconnecting mid-run then learns the running node, without
/// prompt_id or display_node (trace i_ws_reconnect).
fn greeting(sim: &Sim, sid: &str) -> Vec<Message> {
    let mut greeting = vec![messages::status(sim.queue_remaining(), Some(sid))];
    if let Some(node) = sim.running_node_of(sid) {
        greeting.push(messages::event("executing", json!({"node": node})));
    }
    greeting
}

async fn forward(
    sink: &mut SplitSink<WebSocket, Message>,
    stream: &mut SplitStream<WebSocket>,
    sim: &Sim,
    registration: Registration,
) {
    let Registration {
        id,
        mut outbox,
        mut closed,
    } = registration;
    let mut first_message = true;
    loop {
        tokio::select! {
            _ = &mut closed => break,
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if read_text(sim, id, first_message, text.as_str()) == Read::Counted {
                        first_message = false;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                // Binary frames, pings and pongs: `server.py` looks at text frames only.
                Some(Ok(_)) => {}
            },
            outgoing = outbox.recv() => {
                let Some(message) = outgoing else { break };
                sim.wait_while_sockets_stalled().await;
                tokio::select! {
                    _ = &mut closed => break,
                    sent = sink.send(message) => if sent.is_err() { break },
                }
            }
        }
    }
}

/// Whether a text frame used up the connection's "first message" (trace j_previews, run 3).
#[derive(Debug, PartialEq, Eq)]
enum Read {
    Counted,
    /// `server.py` sets `first_message = False` after handling the frame, inside its `try`:
    /// a frame that is not JSON, not a JSON object, or flags for a sid no longer in its
    /// table raises before that line, and the next frame is still the first.
    Raised,
}

/// A client's text frame; only `feature_flags` as the first message means anything.
fn read_text(sim: &Sim, id: ConnectionId, first_message: bool, text: &str) -> Read {
    let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
        return Read::Raised;
    };
    if !first_message || message.get("type").and_then(Value::as_str) != Some("feature_flags") {
        return Read::Counted;
    }
    let preview_metadata = message
        .get("data")
        .and_then(|data| data.get("supports_preview_metadata"))
        == Some(&Value::Bool(true));
    match sim.hub.store_feature_flags(id, preview_metadata) {
        // The reply goes to the sid's socket, which may be a newer connection than this one.
        Ok(sid) => {
            sim.hub
                .send_to_client(&sid, &messages::event("feature_flags", sim.features()));
            Read::Counted
        }
        Err(SidGone) => Read::Raised,
    }
}
