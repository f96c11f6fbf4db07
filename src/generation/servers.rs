//! One link per server: its HTTP client, its socket, and what the socket says.

use std::rc::Rc;

use leptos::prelude::*;

use shotline_model::server_url::ServerUrl;
use shotline_protocol::JobEvent;

use super::engine::{EngineRef, apply_event, now_ms};
use super::preview::PreviewUrl;
use super::{keyframes, reconcile};
use crate::comfy::ComfyClient;
use crate::comfy::socket::{SocketEvent, SocketHealth, SocketHub};

/// How often a server's contact time is copied into its jobs' views, and the time of
/// the last socket message into its [`SocketStatus`].
const CONTACT_VIEW_REFRESH_MS: f64 = 1_000.0;

/// What the Servers panel says about a server's socket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SocketStatus {
    pub health: SocketHealth,
    /// When the socket last came up (Open) or went down (Connecting, Closed): "since …".
    pub since_ms: f64,
    /// It was open before: down now means "reconnecting", not "connecting".
    pub was_open: bool,
    /// It closed (or failed to open) since it was last open: retrying, not just starting.
    pub failed: bool,
    pub last_message_ms: Option<f64>,
    /// Since when the server cannot be reached, once the socket has stayed down for
    /// [`UNREACHABLE_AFTER_MS`]: a dropped socket that the next attempt reopens (well under
    /// a second) is not worth a word.
    pub unreachable_since: Option<f64>,
    /// How often it came back after having been open.
    pub reconnects: u32,
    /// Why it last went down, once it has.
    pub last_drop: Option<SocketDrop>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketDrop {
    /// The server (or something between) closed it, or an attempt to open it failed.
    Closed,
    /// It stayed silent while a job ran, so Shotline closed and reopened it.
    Silent,
}

const UNREACHABLE_AFTER_MS: f64 = 3_000.0;

impl SocketStatus {
    /// It failed since it was last open (or never opened): the server cannot be reached
    /// for now, as opposed to a socket still opening.
    pub fn is_down(&self) -> bool {
        match self.health {
            SocketHealth::Open | SocketHealth::Stalled => false,
            SocketHealth::Connecting => self.failed,
            SocketHealth::Closed => true,
        }
    }
}

pub(super) struct ServerLink {
    pub client: ComfyClient,
    pub socket: Option<SocketHub>,
    pub health: SocketHealth,
    /// Bumped when the socket reopens (or the page reloads): until a reconcile has seen
    /// the server since, a prompt in neither queue nor history means it restarted and
    /// forgot the prompt. An epoch, not a flag, so a reopen during a reconcile counts.
    pub restart_suspicion: u32,
    pub restart_checked: u32,
    pub last_contact_ms: f64,
    /// When the server last answered (socket or HTTP); `None` until it first does.
    pub answered_ms: Option<f64>,
    /// When `last_contact_ms` was last copied into the jobs' views.
    pub contact_shown_ms: f64,
    pub reconcile_in_flight: bool,
    pub last_reconcile_ms: f64,
    pub reconcile_requested: bool,
    /// Whether the server has the jobs API (and so `POST /api/jobs/{id}/cancel`); asked
    /// once, on the first cancel.
    pub jobs_api: Option<bool>,
    pub status: RwSignal<SocketStatus>,
}

/// Makes sure `server` has a link with an open (or opening) socket.
pub(super) fn ensure_link(engine: &EngineRef, server: &ServerUrl) {
    let key = server.as_str().to_owned();
    if engine.borrow().servers.contains_key(&key) {
        return;
    }
    let client_id = engine.borrow().client_id.clone();
    let status = engine.borrow().owner.with(|| {
        RwSignal::new(SocketStatus {
            health: SocketHealth::Connecting,
            since_ms: now_ms(),
            was_open: false,
            failed: false,
            last_message_ms: None,
            unreachable_since: None,
            reconnects: 0,
            last_drop: None,
        })
    });
    engine.borrow_mut().servers.insert(
        key.clone(),
        ServerLink {
            client: ComfyClient::new(server.clone()),
            socket: None,
            health: SocketHealth::Connecting,
            restart_suspicion: 0,
            restart_checked: 0,
            last_contact_ms: now_ms(),
            answered_ms: None,
            contact_shown_ms: 0.0,
            reconcile_in_flight: false,
            last_reconcile_ms: 0.0,
            reconcile_requested: true,
            jobs_api: None,
            status,
        },
    );
    let weak = Rc::downgrade(engine);
    let busy_weak = Rc::downgrade(engine);
    let event_key = key.clone();
    let busy_key = key.clone();
    let socket = SocketHub::connect(
        server,
        &client_id,
        move |event| {
            if let Some(engine) = weak.upgrade() {
                on_socket_event(&engine, &event_key, event);
            }
        },
        move || {
            busy_weak
                .upgrade()
                .is_some_and(|engine| engine.borrow().running_on(&busy_key).is_some())
        },
    );
    if let Some(link) = engine.borrow_mut().servers.get_mut(&key) {
        link.socket = Some(socket);
    }
}

/// Keeps a link to `server` open for its socket health and lets go of the server watched
/// before, unless unfinished jobs of this page still use it.
pub(super) fn watch(engine: &EngineRef, server: &ServerUrl) -> Option<ReadSignal<SocketStatus>> {
    let key = server.as_str().to_owned();
    let previous = engine.borrow_mut().watched.replace(key.clone());
    if let Some(previous) = previous.filter(|previous| *previous != key) {
        release_if_unused(engine, &previous);
    }
    ensure_link(engine, server);
    engine
        .borrow()
        .servers
        .get(&key)
        .map(|link| link.status.read_only())
}

/// Closes the link to `server_key` unless something still needs it. Finished jobs need
/// no link: a resubmit makes a new one.
pub(super) fn release_if_unused(engine: &EngineRef, server_key: &str) {
    let in_use = engine.borrow().link_in_use(server_key);
    if !in_use {
        // Dropping the link closes its socket; done after the engine borrow has ended.
        let link = engine.borrow_mut().servers.remove(server_key);
        drop(link);
    }
}

/// The server may have restarted (its socket reopened, or the page reloaded and cannot
/// know what happened while it was closed): the next reconcile judges missing prompts
/// as lost to a restart, and keyframes are uploaded again before the next submission (a
/// restart can come with an emptied input folder, or be another server at the address).
pub(super) fn suspect_restart(engine: &EngineRef, server_key: &str) {
    if let Some(link) = engine.borrow_mut().servers.get_mut(server_key) {
        link.restart_suspicion += 1;
    }
    keyframes::forget_server(engine, server_key);
}

pub(super) fn note_contact(engine: &EngineRef, server_key: &str) {
    let now = now_ms();
    let ids = {
        let mut state = engine.borrow_mut();
        let Some(link) = state.servers.get_mut(server_key) else {
            return;
        };
        link.last_contact_ms = now;
        link.answered_ms = Some(now);
        // Called for every socket message: the views, which only show contact older than
        // minutes, are touched at most once per interval, not once per message per job.
        if now - link.contact_shown_ms < CONTACT_VIEW_REFRESH_MS {
            return;
        }
        link.contact_shown_ms = now;
        state.unfinished_on(server_key)
    };
    let state = engine.borrow();
    for id in ids {
        if let Some(job) = state.jobs.get(&id) {
            job.view.update(|view| view.last_contact_ms = now);
        }
    }
}

fn on_socket_event(engine: &EngineRef, server_key: &str, event: SocketEvent) {
    match event {
        SocketEvent::Opened {
            reconnected,
            after_refusals,
        } => {
            // A socket that dropped and reopened at once says nothing of a restart (the
            // soak's drops made running shots Lost "to a restart"); one the server refused
            // for a while may well be a restart. The reconcile asks either way.
            if reconnected && after_refusals {
                suspect_restart(engine, server_key);
            }
            if let Some(link) = engine.borrow_mut().servers.get_mut(server_key) {
                link.reconcile_requested = true;
            }
            note_contact(engine, server_key);
        }
        SocketEvent::Health(health) => {
            let status = engine.borrow_mut().servers.get_mut(server_key).map(|link| {
                link.health = health;
                link.reconcile_requested |= health == SocketHealth::Stalled;
                link.status
            });
            if let Some(status) = status {
                status.update(|status| show_health(status, health));
                confirm_unreachable_later(status);
            }
        }
        SocketEvent::Message(message) => {
            note_contact(engine, server_key);
            note_socket_message(engine, server_key);
            // `status` means the queue changed: refresh queue positions now, not at the
            // next tick (reconcile spaces its requests, so a burst costs one poll) — but
            // only while a job of ours waits in that queue. Every person's submission
            // broadcasts `status`, and a full `/queue` on a busy shared server is
            // megabytes; otherwise the regular tick (2.5 s) is enough.
            let queue_matters = matches!(message, shotline_protocol::ServerMessage::Status(_))
                && engine.borrow().waits_on(server_key);
            if queue_matters && let Some(link) = engine.borrow_mut().servers.get_mut(server_key) {
                link.reconcile_requested = true;
            }
            let running = engine.borrow().running_on(server_key);
            let target =
                shotline_protocol::job::attribute_message(&message, running.as_deref()).map(str::to_owned);
            if let Some(prompt_id) = target {
                apply_event(engine, &prompt_id, JobEvent::Message(&message));
            }
        }
        SocketEvent::Preview {
            prompt_id,
            mime,
            bytes,
        } => {
            let target = prompt_id.or_else(|| engine.borrow().running_on(server_key));
            if let Some(prompt_id) = target {
                show_preview(engine, &prompt_id, &bytes, mime);
            }
        }
    }
    reconcile::kick(engine);
}

fn show_health(status: &mut SocketStatus, health: SocketHealth) {
    let is_up = |health| matches!(health, SocketHealth::Open | SocketHealth::Stalled);
    if is_up(health) != is_up(status.health) {
        status.since_ms = now_ms();
    }
    if health == SocketHealth::Open && !is_up(status.health) && status.was_open {
        status.reconnects += 1;
    }
    match health {
        SocketHealth::Stalled => status.last_drop = Some(SocketDrop::Silent),
        SocketHealth::Closed => status.last_drop = Some(SocketDrop::Closed),
        SocketHealth::Open | SocketHealth::Connecting => {}
    }
    status.was_open |= health == SocketHealth::Open;
    if is_up(health) {
        status.unreachable_since = None;
    }
    match health {
        SocketHealth::Open => status.failed = false,
        SocketHealth::Closed => status.failed = true,
        SocketHealth::Connecting | SocketHealth::Stalled => {}
    }
    status.health = health;
}

/// A socket that went down and is still down, with the same `since`, after
/// [`UNREACHABLE_AFTER_MS`] marks its server unreachable.
fn confirm_unreachable_later(status: RwSignal<SocketStatus>) {
    let Some(since) =
        status.with_untracked(|s| (s.is_down() && s.unreachable_since.is_none()).then_some(s.since_ms))
    else {
        return;
    };
    let wait = (since + UNREACHABLE_AFTER_MS - now_ms()).max(0.0);
    gloo_timers::callback::Timeout::new(wait as u32, move || {
        let still_down = status
            .try_with_untracked(|s| s.is_down() && s.since_ms == since && s.unreachable_since.is_none());
        if still_down == Some(true) {
            status.update(|s| s.unreachable_since = Some(since));
        }
    })
    .forget();
}

/// At most once per [`CONTACT_VIEW_REFRESH_MS`]: messages can arrive dozens per second.
fn note_socket_message(engine: &EngineRef, server_key: &str) {
    let Some(status) = engine.borrow().servers.get(server_key).map(|link| link.status) else {
        return;
    };
    let now = now_ms();
    let shown = status.with_untracked(|status| status.last_message_ms);
    if shown.is_none_or(|shown| now - shown >= CONTACT_VIEW_REFRESH_MS) {
        status.update(|status| status.last_message_ms = Some(now));
    }
}

fn show_preview(engine: &EngineRef, prompt_id: &str, bytes: &[u8], mime: &str) {
    let mut state = engine.borrow_mut();
    let Some(job) = state.jobs.get_mut(prompt_id) else {
        return;
    };
    if !matches!(job.record.job.state(), shotline_protocol::JobState::Running(_)) {
        return;
    }
    // Replacing drops (and revokes) the previous URL: one preview per running job.
    job.preview = PreviewUrl::new(bytes, mime);
    let url = job.preview.as_ref().map(|p| p.url().to_owned());
    job.view.update(|view| view.preview_url = url);
}
