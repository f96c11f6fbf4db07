//! Registry of open sockets with a bounded outbox each. A client that stops reading fills its
//! outbox and is disconnected, so it can never stall the worker or other clients (ComfyUI
//! itself awaits each send, which is how one slow client stalls everyone there).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::Message;
use tokio::sync::{mpsc, oneshot};

/// Messages one connection may have waiting before it counts as stalled. A healthy client
/// drains this in well under a second even at 1,000 messages per second.
const CLIENT_OUTBOX_MESSAGES: usize = 4096;

pub type ConnectionId = u64;

struct Connection {
    client_id: String,
    outbox: mpsc::Sender<Message>,
    preview_metadata: bool,
    /// Dropping this tells the socket task to close, even when it is blocked sending.
    _close: oneshot::Sender<()>,
}

/// What a socket task needs to serve one registered connection.
pub struct Registration {
    pub id: ConnectionId,
    pub outbox: mpsc::Receiver<Message>,
    pub closed: oneshot::Receiver<()>,
}

/// One preview in both wire forms; each connection gets the one it negotiated.
pub struct PreviewFrames {
    /// Type 4 with JSON metadata, for clients that sent `supports_preview_metadata`.
    pub with_metadata: Message,
    /// Type 1 with only the image type, for everyone else.
    pub legacy: Message,
}

#[derive(Default)]
pub struct Hub {
    connections: Mutex<HashMap<ConnectionId, Connection>>,
    next_id: AtomicU64,
}

impl Hub {
    /// Registers a socket; `greeting` is queued before any broadcast can reach it.
    pub fn register(&self, client_id: &str, greeting: Vec<Message>) -> Registration {
        let (outbox_tx, outbox) = mpsc::channel(CLIENT_OUTBOX_MESSAGES);
        let (close, closed) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        for message in greeting {
            // The outbox is empty and larger than any greeting.
            let _ = outbox_tx.try_send(message);
        }
        let connection = Connection {
            client_id: client_id.to_owned(),
            outbox: outbox_tx,
            preview_metadata: false,
            _close: close,
        };
        self.lock().insert(id, connection);
        Registration { id, outbox, closed }
    }

    pub fn unregister(&self, id: ConnectionId) {
        self.lock().remove(&id);
    }

    pub fn enable_preview_metadata(&self, id: ConnectionId) {
        if let Some(connection) = self.lock().get_mut(&id) {
            connection.preview_metadata = true;
        }
    }

    pub fn broadcast(&self, message: &Message) {
        self.lock()
            .retain(|id, connection| deliver(*id, connection, message));
    }

    /// Execution events go only to the sockets of the client that queued the prompt.
    pub fn send_to_client(&self, client_id: &str, message: &Message) {
        self.lock()
            .retain(|id, connection| connection.client_id != client_id || deliver(*id, connection, message));
    }

    /// Replies to one connection; false when it is gone.
    pub fn send_to_connection(&self, id: ConnectionId, message: &Message) -> bool {
        let mut connections = self.lock();
        let delivered = connections
            .get(&id)
            .is_some_and(|connection| deliver(id, connection, message));
        if !delivered {
            connections.remove(&id);
        }
        delivered
    }

    /// Sends a step's `progress` with its preview, ordered as trace j_previews shows: a type-4
    /// frame comes before the progress message, a type-1 frame after it.
    pub fn send_progress_with_preview(&self, client_id: &str, progress: &Message, preview: &PreviewFrames) {
        self.lock().retain(|id, connection| {
            if connection.client_id != client_id {
                return true;
            }
            if connection.preview_metadata {
                deliver(*id, connection, &preview.with_metadata) && deliver(*id, connection, progress)
            } else {
                deliver(*id, connection, progress) && deliver(*id, connection, &preview.legacy)
            }
        });
    }

    /// Closes every socket at once (the `drop_ws` and `restart` faults).
    pub fn disconnect_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConnectionId, Connection>> {
        self.connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Queues a message; false means the connection is gone or stalled and must be dropped.
fn deliver(id: ConnectionId, connection: &Connection, message: &Message) -> bool {
    match connection.outbox.try_send(message.clone()) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            eprintln!(
                "comfy-sim: disconnecting socket {id} of client {}: it stopped reading",
                connection.client_id
            );
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}
