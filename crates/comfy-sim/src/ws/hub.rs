//! Registry of open sockets, kept the way ComfyUI 0.3.64's `server.py` keeps them: a table
//! from sid (the `clientId`) to one socket, and the negotiated feature flags per sid.
//!
//! `websocket_handler` does `self.sockets.pop(sid)` then `self.sockets[sid] = ws` and
//! `self.sockets_metadata[sid] = {"feature_flags": {}}` for every new connection, and
//! `self.sockets.pop(sid)` / `self.sockets_metadata.pop(sid)` in the `finally` of *every*
//! connection's end. So a second connection with the same clientId takes the sid over: the
//! first stays open but is sent nothing more (`send_json` goes to `self.sockets[sid]` or to
//! every socket in the table). And when that first one closes later, its `finally` removes
//! the sid the second one holds: the second stays open and hears nothing either, not even
//! broadcasts, until it reconnects. The simulator reproduces both.
//!
//! One deliberate difference: each connection has a bounded outbox. A client that stops
//! reading fills it and is disconnected, so it can never stall the worker or other clients
//! (ComfyUI itself awaits each send, which is how one slow client stalls everyone there).
//! Such a connection's sid leaves the table when it is dropped, as its `finally` would.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use axum::extract::ws::Message;
use tokio::sync::{mpsc, oneshot};

/// Messages one connection may have waiting before it counts as stalled. A healthy client
/// drains this in well under a second even at 1,000 messages per second.
const CLIENT_OUTBOX_MESSAGES: usize = 4096;

pub type ConnectionId = u64;

struct Connection {
    sid: String,
    outbox: mpsc::Sender<Message>,
    /// Dropping this tells the socket task to close, even when it is blocked sending.
    _close: oneshot::Sender<()>,
}

/// What a socket task needs to serve one registered connection.
pub struct Registration {
    pub id: ConnectionId,
    pub outbox: mpsc::Receiver<Message>,
    pub closed: oneshot::Receiver<()>,
}

/// One preview in both wire forms; each sid gets the one it negotiated.
pub struct PreviewFrames {
    /// Type 4 with JSON metadata, for clients that sent `supports_preview_metadata`.
    pub with_metadata: Message,
    /// Type 1 with only the image type, for everyone else.
    pub legacy: Message,
}

/// What `sockets_metadata[sid]["feature_flags"]` says that the simulator acts on.
#[derive(Debug, Clone, Copy, Default)]
struct SidMetadata {
    preview_metadata: bool,
}

/// Why feature flags could not be stored for a sid.
#[derive(Debug)]
pub struct SidGone;

#[derive(Default)]
struct Tables {
    /// Every open connection, in the table or not.
    connections: HashMap<ConnectionId, Connection>,
    /// `self.sockets`: the one connection each sid's messages go to.
    sockets: HashMap<String, ConnectionId>,
    /// `self.sockets_metadata`.
    metadata: HashMap<String, SidMetadata>,
}

impl Tables {
    /// The `finally` of `websocket_handler`: the sid leaves both tables, whoever holds it.
    fn forget(&mut self, id: ConnectionId) -> Option<Connection> {
        let connection = self.connections.remove(&id)?;
        self.sockets.remove(&connection.sid);
        self.metadata.remove(&connection.sid);
        Some(connection)
    }

    /// Queues `message` for the connection holding `sid`; one that stalled is dropped.
    fn deliver_to_sid(&mut self, sid: &str, message: &Message) -> bool {
        let Some(&id) = self.sockets.get(sid) else {
            return false;
        };
        self.deliver(id, message)
    }

    fn deliver(&mut self, id: ConnectionId, message: &Message) -> bool {
        let Some(connection) = self.connections.get(&id) else {
            return false;
        };
        if queue(id, connection, message) {
            return true;
        }
        self.forget(id);
        false
    }
}

#[derive(Default)]
pub struct Hub {
    tables: Mutex<Tables>,
    next_id: AtomicU64,
}

impl Hub {
    /// Opens a connection for `sid` and makes it the sid's socket, replacing any other;
    /// `greeting` is queued before any broadcast can reach it.
    pub fn register(&self, sid: &str, greeting: Vec<Message>) -> Registration {
        let (outbox_tx, outbox) = mpsc::channel(CLIENT_OUTBOX_MESSAGES);
        let (close, closed) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        for message in greeting {
            // The outbox is empty and larger than any greeting.
            let _ = outbox_tx.try_send(message);
        }
        let connection = Connection {
            sid: sid.to_owned(),
            outbox: outbox_tx,
            _close: close,
        };
        let mut tables = self.lock();
        tables.connections.insert(id, connection);
        tables.sockets.insert(sid.to_owned(), id);
        tables.metadata.insert(sid.to_owned(), SidMetadata::default());
        Registration { id, outbox, closed }
    }

    /// A connection ended. Its sid leaves the tables even when a newer connection holds it
    /// (see the module comment); nothing happens for one already dropped as stalled.
    pub fn unregister(&self, id: ConnectionId) {
        self.lock().forget(id);
    }

    /// Stores a connection's `feature_flags` under its sid, as `server.py` does, so flags
    /// sent on a replaced connection change what the sid's current connection is sent.
    /// Fails when the sid is in no table any more (`server.py` raises a `KeyError` there).
    pub fn store_feature_flags(&self, id: ConnectionId, preview_metadata: bool) -> Result<String, SidGone> {
        let mut tables = self.lock();
        let sid = tables
            .connections
            .get(&id)
            .map(|c| c.sid.clone())
            .ok_or(SidGone)?;
        let metadata = tables.metadata.get_mut(&sid).ok_or(SidGone)?;
        metadata.preview_metadata = preview_metadata;
        Ok(sid)
    }

    pub fn broadcast(&self, message: &Message) {
        let mut tables = self.lock();
        let ids: Vec<ConnectionId> = tables.sockets.values().copied().collect();
        for id in ids {
            tables.deliver(id, message);
        }
    }

    /// Execution events and replies go to the sid's socket only, if it has one.
    pub fn send_to_client(&self, sid: &str, message: &Message) {
        self.lock().deliver_to_sid(sid, message);
    }

    /// Sends a step's `progress` with its preview, ordered as trace j_previews shows: a type-4
    /// frame comes before the progress message, a type-1 frame after it.
    pub fn send_progress_with_preview(&self, sid: &str, progress: &Message, preview: &PreviewFrames) {
        let mut tables = self.lock();
        let with_metadata = tables
            .metadata
            .get(sid)
            .is_some_and(|metadata| metadata.preview_metadata);
        if with_metadata {
            let _ =
                tables.deliver_to_sid(sid, &preview.with_metadata) && tables.deliver_to_sid(sid, progress);
        } else {
            let _ = tables.deliver_to_sid(sid, progress) && tables.deliver_to_sid(sid, &preview.legacy);
        }
    }

    /// Closes every socket at once (the `drop_ws` and `restart` faults).
    pub fn disconnect_all(&self) {
        *self.lock() = Tables::default();
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Queues a message; false means the connection is gone or stalled and must be dropped.
fn queue(id: ConnectionId, connection: &Connection, message: &Message) -> bool {
    match connection.outbox.try_send(message.clone()) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            eprintln!(
                "comfy-sim: disconnecting socket {id} of client {}: it stopped reading",
                connection.sid
            );
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}
