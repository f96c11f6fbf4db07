//! One WebSocket per server for the whole app: connect with the persistent clientId, send
//! feature_flags first, decode every frame, reconnect with backoff and jitter, and flag the
//! socket unhealthy when a job runs and nothing arrives. The only WebSocket user.
//!
//! The socket is never trusted for "done": messages sent while it is down are lost and a
//! reconnect replays nothing (trace i), so the generation engine reconciles over HTTP on
//! every `Opened` and `Stalled` event.

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
/// Nothing for this long while a job runs ⇒ the socket may be stalled or half-open.
pub const WATCHDOG_SILENCE_MS: f64 = 10_000.0;
const WATCHDOG_TICK_MS: u32 = 1_000;

/// What the socket tells the generation engine.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// Open and greeted; `reconnected` is false only for the first open of this hub.
    Opened {
        reconnected: bool,
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
    /// Open, but silent for [`WATCHDOG_SILENCE_MS`] while a job runs.
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
    health: SocketHealth,
    opened_before: bool,
    failed_attempts: u32,
    last_message_ms: f64,
    stopped: bool,
    reconnect_timer: Option<Timeout>,
    _watchdog: Option<Interval>,
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
            health: SocketHealth::Closed,
            opened_before: false,
            failed_attempts: 0,
            last_message_ms: now_ms(),
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
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            let _ = socket.close();
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
    if let Some(old) = hub.socket.replace(socket) {
        old.set_onclose(None);
        let _ = old.close();
    }
    hub.handlers = vec![Box::new(on_open), Box::new(on_message), Box::new(on_close)];
}

fn on_open(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    let reconnected = {
        let mut hub = hub_rc.borrow_mut();
        // feature_flags count only as the first message after connect (trace j).
        if let Some(socket) = &hub.socket {
            let _ = socket.send_with_str(FEATURE_FLAGS_HELLO);
        }
        hub.failed_attempts = 0;
        hub.last_message_ms = now_ms();
        std::mem::replace(&mut hub.opened_before, true)
    };
    set_health(&hub_rc, SocketHealth::Open);
    emit(&hub_rc, SocketEvent::Opened { reconnected });
}

fn on_message(weak: &Weak<RefCell<Hub>>, event: MessageEvent) {
    let Some(hub_rc) = weak.upgrade() else { return };
    hub_rc.borrow_mut().last_message_ms = now_ms();
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
    if hub_rc.borrow().stopped {
        return;
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

fn watchdog_tick(weak: &Weak<RefCell<Hub>>) {
    let Some(hub_rc) = weak.upgrade() else { return };
    let (silent_for, health, busy) = {
        let hub = hub_rc.borrow();
        (now_ms() - hub.last_message_ms, hub.health, (hub.is_busy)())
    };
    if health == SocketHealth::Open && busy && silent_for > WATCHDOG_SILENCE_MS {
        set_health(&hub_rc, SocketHealth::Stalled);
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
