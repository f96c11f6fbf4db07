//! `use_workflows()`: the workflow profiles of the open project and what turns a shot
//! into a ComfyUI prompt: import (with UI → API conversion through the server's node
//! list), preflight per server, prompt building (keyframes uploaded through the
//! generation hook, which knows what each server holds), two-stage shots and run
//! manifests. The logic is `shotline_model::workflow`'s; this module adds the server, the
//! storage and the project actions.

mod build;
mod edits;
mod error;
mod handle;
mod import;
mod manifest;
mod preflight;
mod profiles;
mod prompt;
mod stages;

use leptos::prelude::*;

pub use build::random_seed;
pub use edits::Stage;
pub use error::{BuildError, WorkflowError};
pub use handle::{ObjectInfoState, Workflows};
pub use manifest::run_manifest;
pub use preflight::Preflight;
pub use profiles::{find_profile, read_profile, shot_profile_id};
pub use prompt::{prompt_preview, shot_text};
pub use stages::{StageError, StagedRun, TakeRequest};

use crate::generation::use_generation;
use crate::project::use_project_data;
use crate::storage::Storage;

/// Installs the handle for the views below. Needs the project data and the generation
/// hook in context; reads the open [`Storage`] from context when the shell provides it
/// (run records live there), and works without it for everything else.
pub fn provide_workflows() -> Workflows {
    let workflows = Workflows::new(use_project_data(), use_context::<Storage>(), use_generation());
    provide_context(workflows);
    workflows
}

pub fn use_workflows() -> Workflows {
    expect_context()
}
