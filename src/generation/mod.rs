//! `use_generation()`: submit shots to ComfyUI, follow them to a definite end, and keep
//! that end across reloads. The protocol logic lives in `shotline_protocol::job`; this
//! module wires it to the socket, the HTTP client, timers and storage.

mod engine;
mod handle;
mod job_view;
mod keyframes;
mod other_tabs;
mod outputs;
mod persist;
mod pool;
mod preview;
pub mod queue;
mod reconcile;
mod restore;
mod servers;
mod submit;

pub use handle::{Generation, ShotRequest, provide_generation, provide_generation_in_tab, use_generation};
pub use job_view::{JobView, OutputMedia};
pub use keyframes::KeyframeError;
pub use outputs::fetch_as_data_url;
pub use pool::{PlaceError, Placed, Pool, ServerLoad, provide_pool, use_pool};
pub use preview::live_preview_count;
pub use servers::{SocketDrop, SocketStatus};
