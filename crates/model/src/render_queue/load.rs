//! The queue read back from storage after a reload, and kept in step with the project:
//! a record that cannot be read is skipped (never a crash), an entry whose shot or
//! profile is gone leaves the queue with a sentence.

use std::collections::HashSet;

use serde::Deserialize;

use super::controls::ServerJob;
use super::entry::{EntryId, MAX_TAKES_PER_ENTRY, QueueEntry, RemovedReason};
use super::{QueueSettings, RenderQueue};
use crate::project::Project;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    /// Records that could not be read, or contradict one another (a second entry with
    /// the same id or job id, a take count outside 1–16), and a corrupt settings record
    /// (then the defaults are used). They stay in storage, untouched.
    pub skipped: usize,
    pub pruned: Pruned,
}

/// Entries that left the queue because the project no longer holds their shot or
/// profile, and their pending takes to cancel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pruned {
    pub removed: Vec<(EntryId, RemovedReason)>,
    pub cancel: Vec<ServerJob>,
}

impl RenderQueue {
    /// `project`'s queue from its stored records (raw, as storage gave them) and its
    /// settings record. Records of another project are left out: they wait in storage
    /// until that project is opened.
    pub fn load(
        project: &Project,
        records: &[serde_json::Value],
        settings: Option<&serde_json::Value>,
    ) -> (Self, LoadReport) {
        let mut skipped = 0;
        let mut ids = HashSet::new();
        let mut jobs = HashSet::new();
        let mut entries = Vec::new();
        for record in records {
            let Ok(entry) = QueueEntry::deserialize(record) else {
                skipped += 1;
                continue;
            };
            if entry.project != project.id {
                continue;
            }
            let sound = (1..=MAX_TAKES_PER_ENTRY).contains(&entry.takes_wanted)
                && !ids.contains(&entry.id)
                && distinct_new_jobs(&entry, &jobs);
            if !sound {
                skipped += 1;
                continue;
            }
            ids.insert(entry.id.clone());
            jobs.extend(entry.takes.iter().map(|take| take.job.clone()));
            entries.push(entry);
        }
        let settings = match settings.map(QueueSettings::deserialize) {
            None => QueueSettings::default(),
            Some(Ok(settings)) => settings,
            Some(Err(_)) => {
                skipped += 1;
                QueueSettings::default()
            }
        };
        let mut queue = Self::with(project.id.clone(), entries, settings);
        let pruned = queue.prune(project);
        (queue, LoadReport { skipped, pruned })
    }

    /// Removes the active entries whose shot or profile the project no longer holds
    /// (call it after every project change that deletes shots or profiles).
    pub fn prune(&mut self, project: &Project) -> Pruned {
        let gone: Vec<(EntryId, RemovedReason)> = self
            .entries
            .iter()
            .filter(|entry| entry.is_active() && entry.removed.is_none())
            .filter_map(|entry| {
                let reason = if project.shot(&entry.shot).is_none() {
                    RemovedReason::ShotDeleted
                } else if !project.profiles.iter().any(|profile| profile.id == entry.profile) {
                    RemovedReason::ProfileDeleted
                } else {
                    return None;
                };
                Some((entry.id.clone(), reason))
            })
            .collect();
        let mut pruned = Pruned::default();
        for (id, reason) in gone {
            pruned.cancel.extend(self.withdraw(&id, reason));
            pruned.removed.push((id, reason));
        }
        pruned
    }
}

/// No job id twice in the entry, none already taken by another entry: two takes with
/// one id would be one submission counted twice.
fn distinct_new_jobs(entry: &QueueEntry, seen: &HashSet<crate::project::JobId>) -> bool {
    let mut own = HashSet::new();
    entry
        .takes
        .iter()
        .all(|take| !seen.contains(&take.job) && own.insert(&take.job))
}
