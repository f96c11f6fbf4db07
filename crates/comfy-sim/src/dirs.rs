//! The output, input and temp folders, like ComfyUI's `--output-directory` and friends.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::StartError;

#[derive(Debug)]
pub struct DataDirs {
    pub output: PathBuf,
    pub input: PathBuf,
    pub temp: PathBuf,
    /// Keeps the per-run temporary folder alive; it is deleted when the simulator stops.
    _scratch: Option<tempfile::TempDir>,
}

impl DataDirs {
    pub fn prepare(config: &Config) -> Result<Self, StartError> {
        let (root, scratch) = match &config.data_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let scratch = tempfile::Builder::new()
                    .prefix("comfy-sim-")
                    .tempdir()
                    .map_err(|source| StartError::DataDir {
                        path: std::env::temp_dir(),
                        source,
                    })?;
                (scratch.path().to_path_buf(), Some(scratch))
            }
        };
        let dirs = Self {
            output: config.output_dir.clone().unwrap_or_else(|| root.join("output")),
            input: config.input_dir.clone().unwrap_or_else(|| root.join("input")),
            temp: config.temp_dir.clone().unwrap_or_else(|| root.join("temp")),
            _scratch: scratch,
        };
        for dir in [&dirs.output, &dirs.input, &dirs.temp] {
            create(dir)?;
        }
        Ok(dirs)
    }

    /// The folder behind a `type` value of /view and /upload/image.
    pub fn for_kind(&self, kind: &str) -> Option<&Path> {
        match kind {
            "output" => Some(&self.output),
            "input" => Some(&self.input),
            "temp" => Some(&self.temp),
            _ => None,
        }
    }
}

fn create(dir: &Path) -> Result<(), StartError> {
    std::fs::create_dir_all(dir).map_err(|source| StartError::DataDir {
        path: dir.to_path_buf(),
        source,
    })
}
