//! What an action touched, so the save layer writes only that and undo keeps only that.

use std::collections::BTreeSet;

use super::ids::{SceneId, ShotId};

/// A touched id that is still in the project was added or edited; one that is no longer
/// in it was deleted. Ordered sets keep writes and tests deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    /// Project-level fields: name, notes, style, profiles, stage profiles, servers
    /// (not `updated_at_ms`, which every change moves).
    pub document: bool,
    /// Scenes were added, removed or reordered.
    pub scene_order: bool,
    /// Scenes whose own fields or list of shots changed.
    pub scenes: BTreeSet<SceneId>,
    /// Shots whose content changed, or that were added or removed.
    pub shots: BTreeSet<ShotId>,
}

impl Change {
    pub fn document() -> Self {
        Self {
            document: true,
            ..Self::default()
        }
    }

    pub fn scene(id: SceneId) -> Self {
        Self {
            scenes: BTreeSet::from([id]),
            ..Self::default()
        }
    }

    pub fn shot(id: ShotId) -> Self {
        Self {
            shots: BTreeSet::from([id]),
            ..Self::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.document && !self.scene_order && self.scenes.is_empty() && self.shots.is_empty()
    }

    /// Folds a later change in, for a batch or for a save that collects several actions.
    pub fn merge(&mut self, other: Change) {
        self.document |= other.document;
        self.scene_order |= other.scene_order;
        self.scenes.extend(other.scenes);
        self.shots.extend(other.shots);
    }
}
