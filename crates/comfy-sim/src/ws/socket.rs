//! One WebSocket connection: greeting, `feature_flags` negotiation, then forwarding its outbox.

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};

use super::hub::Registration;
use crate::messages;
use crate::state::Sim;

#[derive(Debug, Deserialize)]
pub struct SocketQuery {
    #[serde(rename = "clientId")]
    client_id: Option<String>,
}

pub async fn upgrade(
    upgrade: WebSocketUpgrade,
    Query(query): Query<SocketQuery>,
    State(sim): State<Arc<Sim>>,
) -> Response {
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
    forward(socket, &sim, registration).await;
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

async fn forward(socket: WebSocket, sim: &Sim, registration: Registration) {
    let Registration {
        id,
        mut outbox,
        mut closed,
    } = registration;
    let (mut sink, mut stream) = socket.split();
    let mut first_message = true;
    loop {
        tokio::select! {
            _ = &mut closed => break,
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if std::mem::take(&mut first_message)
                        && let Some(reply) = negotiate_features(sim, id, text.as_str())
                        && !sim.hub.send_to_connection(id, &reply)
                    {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => first_message = false,
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

/// Only the first message after connect counts as `feature_flags` (trace j_previews, run 3).
fn negotiate_features(sim: &Sim, id: super::hub::ConnectionId, text: &str) -> Option<Message> {
    let message: Value = serde_json::from_str(text).ok()?;
    if message.get("type")?.as_str()? != "feature_flags" {
        return None;
    }
    if message.pointer("/data/supports_preview_metadata") == Some(&Value::Bool(true)) {
        sim.hub.enable_preview_metadata(id);
    }
    Some(messages::event("feature_flags", sim.features()))
}
