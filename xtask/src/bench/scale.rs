//! What the page-level suite crates/e2e/tests/bench_scale.rs measures (issues 8 and 10:
//! P4 event load, P6 a 1,000-shot storyboard, the server pool's speed-up; issue 17: P4
//! and the pool hold their figures as runs pile up in one page): its goals and a line on
//! each measure, merged into bench.rs's tables.

/// The e2e test file `cargo xtask bench` runs beside bench_reload.
pub const SUITE: &str = "bench_scale";

/// Goals the median must stay at or under.
pub const GOALS_AT_MOST: [(&str, f64); 5] = [
    // "No main-thread task over 50 ms" under 100 jobs and 1,000 messages a second.
    ("p4_longest_task_ms", 50.0),
    // 60 fps: 95 % of frames within one 16.7 ms refresh (rAF deltas jitter by ~0.3 ms).
    ("p6_frame_p95_ms", 17.0),
    // Issue 17: the figures hold in one page. Runs of the same page differ by a few
    // percent on this shared machine; a tenth more is a slowdown, not noise.
    ("p4_run_last_to_first", 1.1),
    ("pool_1_server_last_to_first", 1.1),
    ("pool_3_servers_last_to_first", 1.1),
];

/// Goals the median must reach.
pub const GOALS_AT_LEAST: [(&str, f64); 1] = [("pool_speed_up", 2.7)];

pub const DESCRIPTIONS: [(&str, &str); 28] = [
    (
        "p4_run_s",
        "P4: Generate all of 100 shots on one comfy-sim server (--step-ms 1, 20 steps a shot, 3 messages a \
         step), five runs in one page (each adds 100 takes to the same storyboard): click → the last card shows Done",
    ),
    (
        "p4_run_first_s",
        "the first of those runs (no take in the page yet)",
    ),
    (
        "p4_run_last_s",
        "the last (400 takes of the earlier runs in the page)",
    ),
    (
        "p4_run_last_to_first",
        "last run's time / first run's: 1.0 when the app holds its figures as takes pile up",
    ),
    (
        "p4_messages",
        "socket messages the page received during that run (counted by a wrapped WebSocket)",
    ),
    ("p4_messages_per_s", "their mean rate over the run"),
    ("p4_peak_messages_per_s", "messages in the run's busiest second"),
    (
        "p4_longest_task_ms",
        "longest main-thread task during the run (Long Tasks API: 0 = none ≥ 50 ms)",
    ),
    (
        "p4_frame_p95_ms",
        "95th percentile of the time between animation frames during the run",
    ),
    (
        "p4_heap_before_mb",
        "JS heap retained (after a forced GC, CDP Runtime.getHeapUsage) before the first run",
    ),
    ("p4_heap_after_mb", "the same after each run"),
    (
        "p6_ready_ms",
        "P6: reload of a 1,000-shot project: navigation start → all 1,000 shot cards in the page, a prompt editable, \
         next frame produced; timed in the page",
    ),
    (
        "p6_ready_longest_task_ms",
        "longest main-thread task of that reload (Long Tasks API)",
    ),
    (
        "p6_scroll_fps",
        "animation frames per second while the page scrolls 100 px a frame (each reload scrolls the next fifth \
         of the storyboard: five cover it all)",
    ),
    (
        "p6_frame_p50_ms",
        "median time between animation frames while scrolling",
    ),
    ("p6_frame_p95_ms", "95th percentile of that time"),
    ("p6_frame_max_ms", "longest of those frames"),
    (
        "p6_scroll_longest_task_ms",
        "longest main-thread task while scrolling (Long Tasks API: 0 = none ≥ 50 ms)",
    ),
    ("p6_scrolled_px", "distance scrolled after each reload"),
    (
        "pool_1_server_s",
        "Generate all of a 30-shot timeline on one comfy-sim server (--step-ms 25: about 0.5 s a shot): \
         click → the last card shows Done",
    ),
    (
        "pool_3_servers_s",
        "the same timeline on a pool of three such servers; five pairs of runs, all ten in one page \
         (each adds 30 takes to the same storyboard)",
    ),
    (
        "pool_speed_up",
        "one server's time / three servers' time, per pair of runs",
    ),
    (
        "pool_1_server_first_s",
        "the first run on one server (no take in the page yet)",
    ),
    (
        "pool_1_server_last_s",
        "the last run on one server (240 takes of the earlier runs in the page)",
    ),
    (
        "pool_1_server_last_to_first",
        "last one-server run's time / first's: 1.0 when the app holds its figures as takes pile up",
    ),
    (
        "pool_3_servers_first_s",
        "the first run on three servers (30 takes in the page)",
    ),
    (
        "pool_3_servers_last_s",
        "the last run on three servers (270 takes in the page)",
    ),
    (
        "pool_3_servers_last_to_first",
        "last three-server run's time / first's",
    ),
];
