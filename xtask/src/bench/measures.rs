//! Benchmarks P1–P3 (issue 11): their goals, what each measure is, and the measures
//! compared with a baseline run in the same browser.

use super::Summary;
use super::load::COMFYUI_FRONTEND_VERSION;

/// Targets on a measure's own value (at most).
pub(super) const GOALS: [(&str, f64); 4] = [
    ("p1_shotline_first_load_kb", 140.0),
    ("p2_shotline_media_longest_task_ms", 50.0),
    ("p3_completion_healthy_ms", 100.0),
    ("p3_completion_stalled_ms", 3_000.0),
];

pub(super) const DESCRIPTIONS: [(&str, &str); 11] = [
    (
        "p1_shotline_first_load_kb",
        "first visit, empty profile and HTTP cache: compressed bytes of every response until the network \
         is quiet for 1 s after interactive (Resource Timing encodedBodySize; brotli q11 files precompressed, \
         one local static server for both apps)",
    ),
    (
        "p1_shotline_first_load_ms",
        "that first visit: navigation start → the new project's first shot card in the page, prompt editable, \
         next frame produced (as p5_page_first_load_ms, served with brotli); baseline: ComfyUI's frontend",
    ),
    (
        "p1_comfyui_first_load_kb",
        "ComfyUI's own frontend (comfyui-frontend-package, static/ of the pinned wheel), served and counted the same way",
    ),
    (
        "p1_comfyui_first_load_ms",
        "ComfyUI's frontend has no backend here and never becomes usable (its /api calls get 404), so this is \
         a lower bound of its time to interactive: navigation start → load event fired and its Vue app mounted \
         on #vue-app, next frame produced",
    ),
    (
        "p2_shotline_media_ms",
        "a 20 MB video (noise named .mp4, uploaded to comfy-sim's input/) through the app's own code path: \
         /view fetched as a Blob, its data URL made by FileReader and its sha-256 by SubtleCrypto (both in the \
         browser, at once), the data URL copied into a Rust String for the views, the JS string stored by \
         Storage::put_browser_media until the transaction committed; baseline: p2_js_media_ms, \
         ratio = baseline / Shotline",
    ),
    (
        "p2_shotline_media_longest_task_ms",
        "longest main-thread task during that store (Long Tasks API: 0 = none ≥ 50 ms)",
    ),
    (
        "p2_js_media_ms",
        "plain JS in the same page: fetch → blob → FileReader.readAsDataURL → IndexedDB put of the data URL",
    ),
    (
        "p2_js_media_longest_task_ms",
        "longest main-thread task during the plain JS store",
    ),
    (
        "p3_completion_healthy_ms",
        "healthy socket: arrival of `executing` with node null in the page → the card's status says Done \
         and its image has loaded (timed in the page)",
    ),
    (
        "p3_completion_healthy_from_server_ms",
        "the same runs from the server's execution_success timestamp (history status.messages, same clock)",
    ),
    (
        "p3_completion_stalled_ms",
        "socket silently stalled (comfy-sim stall_ws_ms) for the whole run: server's execution_success \
         timestamp → Done with its image loaded; the app learns it from its /queue and /history polls",
    ),
];

/// A measure judged against another measured in the same run.
struct Comparison {
    measure: &'static str,
    baseline: &'static str,
    /// `measure / baseline` when true, `baseline / measure` (a speed-up) when false.
    measure_over_baseline: bool,
    goal: Option<RatioGoal>,
}

#[derive(Clone, Copy)]
pub(super) enum RatioGoal {
    AtMost(f64),
    AtLeast(f64),
}

const COMPARISONS: [Comparison; 3] = [
    Comparison {
        measure: "p1_shotline_first_load_kb",
        baseline: "p1_comfyui_first_load_kb",
        measure_over_baseline: true,
        goal: None,
    },
    Comparison {
        measure: "p1_shotline_first_load_ms",
        baseline: "p1_comfyui_first_load_ms",
        measure_over_baseline: true,
        goal: Some(RatioGoal::AtMost(1.0 / 3.0)),
    },
    Comparison {
        measure: "p2_shotline_media_ms",
        baseline: "p2_js_media_ms",
        measure_over_baseline: false,
        goal: Some(RatioGoal::AtLeast(1.0)),
    },
];

/// A measure's baseline (median), the ratio, and the ratio's goal if it has one.
pub(super) struct Compared {
    pub baseline: f64,
    pub ratio: f64,
    pub goal: Option<RatioGoal>,
}

impl Compared {
    pub fn goal_text(&self) -> Option<String> {
        self.goal.map(|goal| match goal {
            RatioGoal::AtMost(at_most) => format!("ratio ≤ {at_most:.2}"),
            RatioGoal::AtLeast(at_least) => format!("ratio ≥ {at_least:.2}"),
        })
    }

    pub fn met(&self) -> Option<bool> {
        self.goal.map(|goal| match goal {
            RatioGoal::AtMost(at_most) => self.ratio <= at_most,
            RatioGoal::AtLeast(at_least) => self.ratio >= at_least,
        })
    }
}

/// `None` when `summary` has no baseline or the baseline was not measured this run.
pub(super) fn compare(summary: &Summary, all: &[Summary]) -> Option<Compared> {
    let comparison = COMPARISONS.iter().find(|c| c.measure == summary.name)?;
    let baseline = all.iter().find(|s| s.name == comparison.baseline)?.median;
    let ratio = if comparison.measure_over_baseline {
        summary.median / baseline
    } else {
        baseline / summary.median
    };
    Some(Compared {
        baseline,
        ratio,
        goal: comparison.goal,
    })
}

/// Said under the table: which ComfyUI frontend was the baseline.
pub(super) fn baseline_note() -> String {
    format!(
        "P1's baseline is comfyui-frontend-package {COMFYUI_FRONTEND_VERSION} (PyPI), its static/ folder \
         served by the same server as Shotline's release build."
    )
}
