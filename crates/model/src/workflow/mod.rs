//! Workflows: import (API format, or the editor's format converted with the server's
//! `/object_info`), the mapping of shot fields to node inputs, preflight against a
//! server, prompt building and patching, and the bundled profiles.

pub mod api;
mod automap;
mod automap_prompt;
mod bundled;
mod graph_checks;
pub mod import;
mod import_error;
mod mapping;
pub mod object_info;
mod object_info_raw;
mod patch;
mod preflight;
mod preflight_problem;
mod profile;
mod prompt_text;
mod ui_convert;
mod ui_format;
mod ui_resolve;
mod ui_widgets;

pub use api::{ApiNode, ApiWorkflow, InputValue, NodeMeta};
pub use automap::auto_map;
pub use bundled::{BUNDLED_PROFILES, BundledProfile, bundled_profile};
pub use graph_checks::is_output_class;
pub use import::{MAX_WORKFLOW_BYTES, WorkflowFormat, detect_format, import_workflow};
pub use import_error::ImportError;
pub use mapping::{MappableInput, MappedInput, Mapping, Target, TargetValue, mappable_inputs};
pub use object_info::{InputKind, InputSpec, NodeSpec, ObjectInfo, ObjectInfoError};
pub use patch::{PatchError, ShotValues, patch_workflow, uploaded_image_name};
pub use preflight::preflight;
pub use preflight_problem::{Problem, ProblemKind};
pub use profile::Profile;
pub use prompt_text::{PromptText, ShotText, build_prompt_text};
