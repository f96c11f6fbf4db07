//! `GET /internal/logs/raw` (trace m_misc: 200 JSON). The body's shape is read from 0.3.64's
//! `api_server/routes/internal/internal_routes.py` and `app/logger.py`: the captured
//! stdout/stderr writes as `{"t": isoformat time, "m": text}`, and the terminal size, which
//! `TerminalService` reports as 80x24 when the server has no terminal.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::Sim;

const TERMINAL_COLUMNS: u32 = 80;
const TERMINAL_ROWS: u32 = 24;
const SECONDS_PER_DAY: u64 = 86_400;

/// What the simulator "printed" at start-up, standing in for ComfyUI's start-up log.
const STARTUP_LINES: [&str; 2] = [
    "comfy-sim: a ComfyUI 0.3.64 stand-in, no model weights\n",
    "Starting server\n\n",
];

pub fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/internal/logs/raw", get(raw_logs))
}

async fn raw_logs(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let time = isoformat(sim.started_at);
    let entries: Vec<Value> = STARTUP_LINES
        .iter()
        .map(|line| json!({"t": time, "m": line}))
        .collect();
    Json(json!({
        "entries": entries,
        "size": {"cols": TERMINAL_COLUMNS, "rows": TERMINAL_ROWS},
    }))
}

/// Python's `datetime.isoformat()` with microseconds (UTC here: the simulator has no zone data).
fn isoformat(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (year, month, day) = civil_from_days(seconds / SECONDS_PER_DAY);
    let of_day = seconds % SECONDS_PER_DAY;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        since_epoch.subsec_micros()
    )
}

/// Days since 1970-01-01 to a (year, month, day) date; Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn formats_like_python_isoformat() {
        let time = UNIX_EPOCH + Duration::from_micros(1_795_423_183_981_123);
        assert_eq!(isoformat(time), "2026-11-23T08:39:43.981123");
        assert_eq!(isoformat(UNIX_EPOCH), "1970-01-01T00:00:00.000000");
    }
}
