//! `POST /upload/image`: the stored name, which is what a `LoadImage` input must use.

use serde::{Deserialize, Serialize};

/// The answer to an upload. On a name clash with different bytes the server renames the
/// file (`trace_upload (1).png`); identical bytes keep the existing name (trace l).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedImage {
    pub name: String,
    #[serde(default)]
    pub subfolder: String,
    #[serde(rename = "type", default)]
    pub folder_type: String,
}

impl UploadedImage {
    /// The value for a `LoadImage.image` input: `subfolder/name` when in a subfolder.
    pub fn load_image_value(&self) -> String {
        if self.subfolder.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.subfolder, self.name)
        }
    }
}
