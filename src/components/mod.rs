//! Views, one folder per feature. Views read signals and call handle methods; they hold
//! no protocol or storage logic.

pub mod clock;
pub mod draft;
pub mod header;
pub mod keyed_rows;
pub mod lazy_panel;
pub mod projects;
pub mod server_bar;
pub mod servers;
pub mod storyboard;
pub mod welcome;
pub mod workflow;
