//! The active server's socket: open since when, or reconnecting since when, and how long
//! ago it last said anything.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::comfy::socket::SocketHealth;
use crate::generation::{SocketDrop, SocketStatus, use_generation};
use crate::servers::use_servers;

/// The age of the last message is shown in seconds, so it is redrawn every second.
const AGE_TICK_MS: u32 = 1_000;
const MS_PER_S: f64 = 1_000.0;
const S_PER_MIN: f64 = 60.0;

#[component]
pub(super) fn SocketHealthLine() -> impl IntoView {
    let connection = use_servers();
    let generation = use_generation();
    let status = RwSignal::new(None::<ReadSignal<SocketStatus>>);
    // A boundary: the socket of the active server is opened here, before any job needs it.
    Effect::new(move |_| {
        let server = connection.server.get();
        status.set(generation.watch_server(&server));
    });
    let now_ms = RwSignal::new(js_sys::Date::now());
    let ticker = Interval::new(AGE_TICK_MS, move || now_ms.set(js_sys::Date::now()));
    let ticker = StoredValue::new_local(Some(ticker));
    on_cleanup(move || ticker.update_value(|ticker| *ticker = None));

    view! {
        <p class="socket-line">
            <span class="socket-label">"Socket: "</span>
            {move || match status.get() {
                Some(status) => status.with(|status| describe(status, now_ms.get())),
                None => "not open".into(),
            }}
        </p>
    }
}

/// "Connected since 14:03:05 · last message 2 s ago", "Reconnecting since 14:05:10 · …",
/// "Reconnected at 14:05:11 after it closed (3 reconnects so far) · …".
fn describe(status: &SocketStatus, now_ms: f64) -> String {
    let since = clock_time(status.since_ms);
    let state = match status.health {
        SocketHealth::Open if status.reconnects > 0 => {
            let why = match status.last_drop {
                Some(SocketDrop::Silent) => " after it went silent while a job ran",
                Some(SocketDrop::Closed) => " after it closed",
                None => "",
            };
            let count = match status.reconnects {
                1 => String::new(),
                n => format!(" ({n} reconnects so far)"),
            };
            format!("reconnected at {since}{why}{count}")
        }
        SocketHealth::Open => format!("connected since {since}"),
        SocketHealth::Stalled => {
            format!("silent while a job runs: reopening it (checking over HTTP meanwhile), since {since}")
        }
        SocketHealth::Connecting | SocketHealth::Closed if status.was_open => {
            format!("reconnecting since {since}")
        }
        SocketHealth::Connecting | SocketHealth::Closed if status.failed => {
            format!("cannot connect, retrying since {since}")
        }
        SocketHealth::Connecting | SocketHealth::Closed => format!("connecting since {since}"),
    };
    let last = match status.last_message_ms {
        Some(at) => format!("last message {}", age((now_ms - at).max(0.0))),
        None => "no message yet".into(),
    };
    format!("{state} · {last}")
}

pub(super) fn clock_time(ms: f64) -> String {
    let time = js_sys::Date::new(&ms.into());
    format!(
        "{:02}:{:02}:{:02}",
        time.get_hours(),
        time.get_minutes(),
        time.get_seconds()
    )
}

/// "just now", "12 s ago", "3 min ago".
fn age(ms: f64) -> String {
    let seconds = (ms / MS_PER_S).floor();
    if seconds < 1.0 {
        "just now".into()
    } else if seconds < S_PER_MIN {
        format!("{seconds} s ago")
    } else {
        format!("{} min ago", (seconds / S_PER_MIN).floor())
    }
}
