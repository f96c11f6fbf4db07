//! A profile: a workflow plus the mapping that says where each shot field goes.

use serde::{Deserialize, Serialize};

use super::api::ApiWorkflow;
use super::automap::auto_map;
use super::mapping::Mapping;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub workflow: ApiWorkflow,
    pub mapping: Mapping,
}

impl Profile {
    /// A profile whose mapping is the auto-mapping's proposal, for the user to review.
    pub fn with_auto_mapping(name: impl Into<String>, workflow: ApiWorkflow) -> Self {
        let mapping = auto_map(&workflow);
        Self {
            name: name.into(),
            workflow,
            mapping,
        }
    }
}
