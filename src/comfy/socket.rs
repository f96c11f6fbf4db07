//! One WebSocket per server for the whole app: connect with the persistent clientId, send
//! feature_flags first, decode every frame, reconnect with backoff and jitter, and reopen a
//! socket that stays silent while a job runs. The only WebSocket user.
//!
//! The socket is never trusted for "done": messages sent while it is down are lost and a
//! reconnect replays nothing (trace i), so the generation engine reconciles over HTTP on
//! every `Opened` and `Stalled` event.
//!
//! ComfyUI's server.py keeps one socket per clientId: a new connection replaces the entry,
//! and the close of *any* socket with that id removes it. A socket opened before the old
//! one has closed is therefore unregistered by the old one's close and hears nothing. So a
//! socket is only replaced after its `close` event (or [`CLOSE_WAIT_MAX_MS`], for a close
//! handshake that never finishes).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use shotline_model::server_url::ServerUrl;
use shotline_protocol::ws::FEATURE_FLAGS_HELLO;
use shotline_protocol::{Frame, ServerMessage, decode_frame};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::http::page_origin;

const RECONNECT_FIRST_DELAY_MS: f64 = 250.0;
const RECONNECT_MAX_DELAY_MS: f64 = 10_000.0;
/// Nothing for this long while a job runs ⇒ the socket may be stalled or half-open: it is
/// closed and opened again.
pub const WATCHDOG_SILENCE_MS: f64 = 10_000.0;
/// A node can legitimately run for minutes without a message (a long VAE decode sends no
/// progress): each reopen that brings nothing but the greeting doubles the silence allowed,
/// up to this.
const WATCHDOG_MAX_SILENCE_MS: f64 = 60_000.0;
const WATCHDOG_TICK_MS: u32 = 1_000;
/// Messages this soon after open are the greeting (`status`, the running node), not a sign
/// that the server talks to this socket again.
const GREETING_WINDOW_MS: f64 = 2_000.0;
/// How long a reopen waits for the old socket's `close` event before opening the new one
/// anyway: a stalled server may never answer the close handshake.
pub const CLOSE_WAIT_MAX_MS: u32 = 3_000;

/// What the socket tells the generation engine.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// Open and greeted; `reconnected` is false only for the first open of this hub.
    /// `after_refusals`: the server refused at least one attempt before this one (it was
    /// down in between, as during a restart), not just a socket that dropped and reopened.
    Opened {
        reconnected: bool,
        after_refusals: bool,
    },
    Message(ServerMessage),
    /// A preview frame; `prompt_id` only with metadata (type 4).
    Preview {
        prompt_id: Option<String>,
        mime: &'static str,
        bytes: Vec<u8>,
    },
    Health(SocketHealth),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketHealth {
    Connecting,
    Open,
    /// Silent for [`WATCHDOG_SILENCE_MS`] while a job runs: being closed, to be reopened
    /// once its close event has fired.
    Stalled,
    Closed,
}

type EventSink = Rc<dyn Fn(SocketEvent)>;
type BusyCheck = Rc<dyn Fn() -> bool>;

struct Hub {
    url: String,
    on_event: EventSink,
    is_busy: BusyCheck,
    socket: Option<WebSocket>,
    handlers: Vec<Box<dyn std::any::Any>>,
    /// The socket last closed for a reopen, kept (closed) until the next reopen.
    retiring: Option<Retiring>,
    health: SocketHealth,
    opened_before: bool,
    failed_attempts: u32,
    opened_ms: f64,
    last_message_ms: f64,
    /// Reopens for silence since the server last said more than its greeting.
    consecutive_stalls: u32,
    stopped: bool,
    reconnect_timer: Option<Timeout>,
    _watchdog: Option<Interval>,
}

/// A socket being closed so that a new one can replace it.
struct Retiring {
    socket: WebSocket,
    /// Its close event, or the deadline, has opened the replacement.
    replaced: bool,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _deadline: Timeout,
}

/// Owner of the socket; dropping it (or [`SocketHub::close`]) stops reconnecting.
pub struct SocketHub {
    hub: Rc<RefCell<Hub>>,
}

impl SocketHub {
    /// Opens the socket to `server` and keeps it open. `is_busy` says whether a job of this
    /// app runs there, which arms the watchdog.
    pub fn connect(
        server: &ServerUrl,
        client_id: &str,
        on_event: impl Fn(SocketEvent) + 'static,
        is_busy: impl Fn() -> bool + 'static,
    ) -> Self {
        let hub = Rc::new(RefCell::new(Hub {
            url: server.websocket(&page_origin(), client_id),
            on_event: Rc::new(on_event),
            is_busy: Rc::new(is_busy),
            socket: None,
            handlers: Vec::new(),
            retiring: None,
            health: SocketHealth::Closed,
            opened_before: false,
            failed_attempts: 0,
            opened_ms: now_ms(),
            last_message_ms: now_ms(),
            consecutive_stalls: 0,
            stopped: false,
            reconnect_timer: None,
            _watchdog: None,
        }));
        let weak = Rc::downgrade(&hub);
        let watchdog = Interval::new(WATCHDOG_TICK_MS, move || watchdog_tick(&weak));
        hub.borrow_mut()._watchdog = Some(watchdog);
        open(&hub);
        Self { hub }
    }

    pub fn health(&self) -> SocketHealth {
        self.hub.borrow().health
    }

    pub fn close(&self) {
        let mut hub = self.hub.borrow_mut();
        hub.stopped = true;
        hub.reconnect_timer = None;
        hub._watchdog = None;
        if let Some(socket) = hub.socket.take() {
            // The handlers are dropped below: a late event must not call into them.
            detach(&socket);
            let _ = socket.close();
        }
        if let Some(retiring) = hub.retiring.take() {
            detach(&retiring.socket);
        }
        hub.handlers.clear();
    }
}

impl Drop for SocketHub {
    fn drop(&mut self) {
        self.close();
    }
}

fn open(hub_rc: &Rc<RefCell<Hub>>) {
    let url = hub_rc.borrow().url.clone();
    set_health(hub_rc, SocketHealth::Connecting);
    let socket = match WebSocket::new(&url) {
        Ok(socket) => socket,
        Err(_) => return schedule_reconnect(hub_rc),
    };
    socket.set_binary_type(BinaryType::Arraybuffer);

    let weak = Rc::downgrade(hub_rc);
    let on_open = Closure::<dyn FnMut()>::new({
        let weak = weak.clone();
        move || on_open(&weak)
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |event: MessageEvent| on_message(&weak, event)
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| on_close(&weak));
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    let mut hub = hub_rc.borrow_mut();
    // Every path here comes after the previous socket's close (or its deadline): none is
    // left to replace.
    hub.socket = Some(socket);
    hub.handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
}

fn detach(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
}

/// Closes the current socket and opens a new one once its close event has fired, or after
/// [`CLOSE_WAIT_MAX_MS`]: opening first would let the old close unregister the new socket.
fn reopen_after_close(hub_rc: &Rc<RefCell<Hub>>) {
    let Some(socket) = hub_rc.borrow_mut().socket.take() else {
        return open(hub_rc);
    };
    detach(&socket);
    let weak = Rc::downgrade(hub_rc);
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new({
        let weak = weak.clone();
        move |_: CloseEvent| replace_retired(&weak)
    });
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let _ = socket.close();
    let deadline = Timeout::new(CLOSE_WAIT_MAX_MS, move || replace_retired(&weak));
    let previous = {
        let mut hub = hub_rc.borrow_mut();
        hub.handlers.clear();
        hub.retiring.replace(Retiring {
            socket,
            replaced: false,
            _on_close: on_close,
            _deadline: deadline,
        })
    };
    if let Some(previous) = previous {
        detach(&previous.socket);
    }
}

/// The retiring socket closed, or stopped being waited for: open its replacement, once.
fn replace_retired(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    {
        let mut hub = hub_rc.borrow_mut();
        let Some(retiring) = hub.retiring.as_mut().filter(|r| !r.replaced) else {
            return;
        };
        retiring.replaced = true;
        if hub.stopped {
            return;
        }
    }
    open(&hub_rc);
}

fn on_open(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    let (reconnected, after_refusals) = {
        let mut hub = hub_rc.borrow_mut();
        // feature_flags count only as the first message after connect (trace j).
        if let Some(socket) = &hub.socket {
            let _ = socket.send_with_str(FEATURE_FLAGS_HELLO);
        }
        // One close schedules one attempt; more than one means attempts were refused.
        let after_refusals = hub.failed_attempts > 1;
        hub.failed_attempts = 0;
        hub.opened_ms = now_ms();
        hub.last_message_ms = now_ms();
        (std::mem::replace(&mut hub.opened_before, true), after_refusals)
    };
    set_health(&hub_rc, SocketHealth::Open);
    emit(
        &hub_rc,
        SocketEvent::Opened {
            reconnected,
            after_refusals,
        },
    );
}

fn on_message(weak: &Weak<RefCell<Hub>>, event: MessageEvent) {
    let Some(hub_rc) = weak.upgrade() else { return };
    {
        let mut hub = hub_rc.borrow_mut();
        let now = now_ms();
        hub.last_message_ms = now;
        if now - hub.opened_ms > GREETING_WINDOW_MS {
            hub.consecutive_stalls = 0;
        }
    }
    if hub_rc.borrow().health == SocketHealth::Stalled {
        set_health(&hub_rc, SocketHealth::Open);
    }
    let data = event.data();
    if let Some(text) = data.as_string() {
        match ServerMessage::parse(&text) {
            Ok(message) => emit(&hub_rc, SocketEvent::Message(message)),
            Err(error) => log_once(&format!("ignored a socket message: {error}")),
        }
    } else if let Ok(buffer) = data.dyn_into::<js_sys::ArrayBuffer>() {
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        match decode_frame(&bytes) {
            Ok(frame) => {
                if let Some(preview) = preview_event(&frame) {
                    emit(&hub_rc, preview);
                }
            }
            Err(error) => log_once(&format!("ignored a binary frame: {error}")),
        }
    }
}

fn preview_event(frame: &Frame<'_>) -> Option<SocketEvent> {
    match frame {
        Frame::PreviewImage { image_type, image } => Some(SocketEvent::Preview {
            prompt_id: None,
            mime: image_type.mime(),
            bytes: image.to_vec(),
        }),
        Frame::PreviewImageWithMetadata {
            image_type, image, ..
        } => Some(SocketEvent::Preview {
            prompt_id: frame.prompt_id().map(str::to_owned),
            mime: image_type.mime(),
            bytes: image.to_vec(),
        }),
        Frame::Text { .. } => None,
    }
}

fn on_close(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    {
        let mut hub = hub_rc.borrow_mut();
        if hub.stopped {
            return;
        }
        // Closed already: the reconnect has nothing to wait for.
        hub.socket = None;
    }
    set_health(&hub_rc, SocketHealth::Closed);
    schedule_reconnect(&hub_rc);
}

/// 250 ms doubling to 10 s, each delay scaled by a random 50–100 % so that many tabs do not
/// reconnect in lockstep after a server restart.
fn schedule_reconnect(hub_rc: &Rc<RefCell<Hub>>) {
    let delay_ms = {
        let mut hub = hub_rc.borrow_mut();
        if hub.stopped {
            return;
        }
        let exponent = hub.failed_attempts.min(16) as i32;
        hub.failed_attempts += 1;
        let base = (RECONNECT_FIRST_DELAY_MS * 2f64.powi(exponent)).min(RECONNECT_MAX_DELAY_MS);
        base * (0.5 + js_sys::Math::random() * 0.5)
    };
    let weak = Rc::downgrade(hub_rc);
    let timer = Timeout::new(delay_ms as u32, move || {
        if let Some(hub_rc) = weak.upgrade() {
            open(&hub_rc);
        }
    });
    hub_rc.borrow_mut().reconnect_timer = Some(timer);
}

/// A socket silent for too long while a job runs is reopened: a fresh connection is
/// registered again, where a half-open one or one the server unregistered never recovers.
fn watchdog_tick(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    let busy = (hub_rc.borrow().is_busy)();
    let stalled = {
        let mut hub = hub_rc.borrow_mut();
        if !busy {
            hub.consecutive_stalls = 0;
        }
        let allowed_ms = (WATCHDOG_SILENCE_MS * 2f64.powi(hub.consecutive_stalls.min(8) as i32))
            .min(WATCHDOG_MAX_SILENCE_MS);
        let stalled = hub.health == SocketHealth::Open && busy && now_ms() - hub.last_message_ms > allowed_ms;
        hub.consecutive_stalls += u32::from(stalled);
        stalled
    };
    if stalled {
        set_health(&hub_rc, SocketHealth::Stalled);
        reopen_after_close(&hub_rc);
    }
}

fn set_health(hub_rc: &Rc<RefCell<Hub>>, health: SocketHealth) {
    let changed = {
        let mut hub = hub_rc.borrow_mut();
        std::mem::replace(&mut hub.health, health) != health
    };
    if changed {
        emit(hub_rc, SocketEvent::Health(health));
    }
}

/// Calls the sink without holding the borrow: it may call back into the hub.
fn emit(hub_rc: &Rc<RefCell<Hub>>, event: SocketEvent) {
    let sink = Rc::clone(&hub_rc.borrow().on_event);
    sink(event);
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Garbage from a server is reported once per kind, not once per frame.
fn log_once(message: &str) {
    thread_local! {
        static SEEN: RefCell<std::collections::BTreeSet<String>> = const { RefCell::new(std::collections::BTreeSet::new()) };
    }
    let kind: String = message.chars().take(60).collect();
    let first = SEEN.with(|seen| seen.borrow_mut().insert(kind));
    if first {
        web_sys::console::warn_1(&format!("Shotline: {message}").into());
    }
}
