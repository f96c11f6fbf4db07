//! A coarse clock for texts that depend on the time passing ("unreachable since 14:02").

use gloo_timers::callback::Interval;
use leptos::prelude::*;

const CLOCK_TICK_MS: u32 = 15_000;

/// The time in ms, refreshed every [`CLOCK_TICK_MS`]; read it to re-render on the tick.
#[derive(Clone, Copy)]
pub struct Clock(RwSignal<f64>);

impl Clock {
    pub fn now_ms(&self) -> f64 {
        self.0.get()
    }
}

pub fn provide_clock() -> Clock {
    let clock = Clock(RwSignal::new(js_sys::Date::now()));
    let ticker = Interval::new(CLOCK_TICK_MS, move || clock.0.set(js_sys::Date::now()));
    let ticker = StoredValue::new_local(Some(ticker));
    on_cleanup(move || ticker.update_value(|ticker| *ticker = None));
    provide_context(clock);
    clock
}

pub fn use_clock() -> Clock {
    expect_context()
}
