//! `.shotline.json` export and import through the model's file format, with media as
//! data URLs read from and written to the media store.

use std::collections::{BTreeSet, HashMap};

use shotline_model::ordered::ordered_set;
use shotline_model::project::{MediaEntry, MediaId, ProjectId, export_project, import_project};

use leptos::prelude::*;

use super::edit::{fresh_project_id, now_ms};
use super::error::ProjectError;
use super::handle::ProjectData;

impl ProjectData {
    /// The open project as file text; with `include_media`, every media record it uses
    /// travels inside, so the file opens in another browser.
    pub async fn export_open_project(&self, include_media: bool) -> Result<String, ProjectError> {
        self.flush().await?;
        let project = self.with_project_untracked().ok_or(ProjectError::NoProjectOpen)?;
        let media = match (include_media, self.storage) {
            (true, Some(storage)) => storage
                .media_for_project(project.id.as_str())
                .await?
                .into_iter()
                .map(|record| MediaEntry {
                    id: record.id,
                    mime: record.mime,
                    data_url: record.data_url,
                    sha256: record.sha256,
                    bytes: record.bytes,
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(export_project(&project, media, now_ms())?)
    }

    /// Checks the file, stores its media and project (under a new id if that id is
    /// taken here), and opens it. A file that fails the checks changes nothing.
    pub async fn import_project_file(&self, text: &str) -> Result<ProjectId, ProjectError> {
        let storage = self.storage()?;
        let stored: BTreeSet<MediaId> = ordered_set(storage.media_ids().await?);
        let file = import_project(text, |id| stored.contains(id))?;
        let mut project = file.project;
        self.refresh_projects().await?;
        if self
            .projects
            .with_untracked(|list| list.iter().any(|s| s.id == project.id))
        {
            project.id = fresh_project_id();
        }
        // The store names media by content; a file from another tool may not.
        let mut renamed: HashMap<MediaId, MediaId> = HashMap::new();
        for entry in &file.media {
            let id = storage
                .put_media(project.id.as_str(), &entry.mime, &entry.data_url, entry.bytes)
                .await?;
            if id != entry.id {
                renamed.insert(entry.id.clone(), id);
            }
        }
        let mut already_stored = Vec::new();
        for shot in project.scenes.iter_mut().flat_map(|scene| scene.shots.iter_mut()) {
            if let Some(keyframe) = shot.keyframe.as_mut() {
                if let Some(stored_id) = renamed.get(keyframe) {
                    *keyframe = stored_id.clone();
                } else if !file.media.iter().any(|entry| &entry.id == keyframe) {
                    already_stored.push(keyframe.clone());
                }
            }
        }
        storage.link_media(project.id.as_str(), &already_stored).await?;
        storage.insert_project(&project).await?;
        let id = project.id.clone();
        self.open_project(&id).await?;
        self.refresh_projects().await?;
        Ok(id)
    }
}
