//! Whether an imported project holds together: unique ids and references that resolve.
//! The reducers keep these true for projects made in the app; a file may have been
//! edited by hand or written by another tool.

use std::collections::BTreeSet;

use super::error::ProjectFileError;
use super::format::{ProjectFile, check_media_entry};
use crate::ordered::ordered_set;
use crate::project::ids::{MediaId, ProfileId};
use crate::project::shot::validate_duration;
use crate::project::types::Project;

pub(super) fn check_integrity(
    file: &ProjectFile,
    is_stored: impl Fn(&MediaId) -> bool,
) -> Result<(), ProjectFileError> {
    let project = &file.project;
    if project.scenes.is_empty() {
        return Err(ProjectFileError::NoScenes);
    }
    check_unique_ids(file)?;
    check_profile_references(project)?;
    for (number, _, shot) in project.numbered_shots() {
        if validate_duration(shot.duration_s).is_err() {
            return Err(ProjectFileError::InvalidDuration { shot_number: number });
        }
        if let Some(chosen) = &shot.chosen_take
            && !shot.takes.contains(chosen)
        {
            return Err(ProjectFileError::UnknownChosenTake { shot_number: number });
        }
    }
    for entry in &file.media {
        check_media_entry(entry)?;
    }
    let in_file: BTreeSet<&MediaId> = ordered_set(file.media.iter().map(|entry| &entry.id));
    let shot_numbers: Vec<usize> = project
        .numbered_shots()
        .filter(|(_, _, shot)| {
            shot.keyframe
                .as_ref()
                .is_some_and(|media| !in_file.contains(media) && !is_stored(media))
        })
        .map(|(number, _, _)| number)
        .collect();
    if !shot_numbers.is_empty() {
        return Err(ProjectFileError::DanglingMedia { shot_numbers });
    }
    Ok(())
}

fn check_unique_ids(file: &ProjectFile) -> Result<(), ProjectFileError> {
    let project = &file.project;
    unique("scene", project.scenes.iter().map(|scene| scene.id.as_str()))?;
    unique(
        "shot",
        project.numbered_shots().map(|(_, _, shot)| shot.id.as_str()),
    )?;
    unique("workflow profile", project.profiles.iter().map(|p| p.id.as_str()))?;
    unique("server", project.servers.iter().map(|s| s.id.as_str()))?;
    unique("media record", file.media.iter().map(|entry| entry.id.as_str()))
}

fn unique<'a>(kind: &'static str, ids: impl Iterator<Item = &'a str>) -> Result<(), ProjectFileError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(ProjectFileError::DuplicateId {
                kind,
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

fn check_profile_references(project: &Project) -> Result<(), ProjectFileError> {
    let known: BTreeSet<&ProfileId> = ordered_set(project.profiles.iter().map(|p| &p.id));
    let stages = [
        (&project.stages.keyframe, "the keyframe stage".to_owned()),
        (&project.stages.shot, "the shot stage".to_owned()),
    ];
    let shots = project
        .numbered_shots()
        .map(|(number, _, shot)| (&shot.profile, format!("Shot {number}")));
    for (profile, used_by) in stages.into_iter().chain(shots) {
        if profile.as_ref().is_some_and(|id| !known.contains(id)) {
            return Err(ProjectFileError::MissingProfile { used_by });
        }
    }
    Ok(())
}
