//! Bounds on what is asked and what is read, gathered so the request builder, the
//! validator and the error sentences agree.

/// More scenes than this is a screenplay, not a storyboard draft.
pub const MAX_SCENES: usize = 20;
pub const MAX_SHOTS_PER_SCENE: usize = 20;

/// A 20 × 20 draft is ≈100 kB of JSON; ten times that is a model repeating itself.
pub const MAX_OUTPUT_BYTES: usize = 1_000_000;

/// SSE wraps each token in ≈150 bytes of JSON, so the wire may carry far more than the
/// text; one line this long without a newline is not a stream any more.
pub const MAX_LINE_BYTES: usize = 2 * MAX_OUTPUT_BYTES;

/// A shot lasts between these; a model's "0" or "120" is brought inside.
pub const MIN_SHOT_DURATION_S: f64 = 1.0;
pub const MAX_SHOT_DURATION_S: f64 = 30.0;
