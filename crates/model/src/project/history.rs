//! Undo and redo over the reducer: the project plus the last [`UNDO_LIMIT`] steps.

use std::collections::VecDeque;

use super::action::Action;
use super::apply::apply;
use super::change::Change;
use super::error::ModelError;
use super::patch::{Patch, capture, restore};
use super::types::Project;

pub const UNDO_LIMIT: usize = 100;

/// A step holds the touched parts as they were on the other side of it.
#[derive(Debug, Clone)]
struct Step {
    change: Change,
    patch: Patch,
}

#[derive(Debug, Clone)]
pub struct History {
    project: Project,
    undo: VecDeque<Step>,
    redo: Vec<Step>,
}

impl History {
    pub fn new(project: Project) -> Self {
        Self {
            project,
            undo: VecDeque::new(),
            redo: Vec::new(),
        }
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn into_project(self) -> Project {
        self.project
    }

    /// Applies `action` and makes it the step [`History::undo`] reverts; `now_ms` becomes
    /// the project's `updated_at_ms`. A take is not a step: the generation engine adds it
    /// when a job is submitted, and the user cannot take a submission back with undo.
    pub fn apply(&mut self, action: Action, now_ms: i64) -> Result<Change, ModelError> {
        let undoable = !matches!(action, Action::AddTake { .. });
        // Capturing from a copy is simpler than predicting what an action will touch;
        // the copy is dropped as soon as the touched parts are kept.
        let before = self.project.clone();
        let change = apply(&mut self.project, action)?;
        self.project.updated_at_ms = now_ms;
        if undoable && !change.is_empty() {
            self.undo.push_back(Step {
                patch: capture(&before, &change),
                change: change.clone(),
            });
            if self.undo.len() > UNDO_LIMIT {
                self.undo.pop_front();
            }
            self.redo.clear();
        }
        Ok(change)
    }

    /// Reverts the last step; `None` when there is nothing to undo.
    pub fn undo(&mut self, now_ms: i64) -> Option<Change> {
        let step = self.undo.pop_back()?;
        let reverse = self.cross(step, now_ms);
        let change = reverse.change.clone();
        self.redo.push(reverse);
        Some(change)
    }

    /// Re-applies the last undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self, now_ms: i64) -> Option<Change> {
        let step = self.redo.pop()?;
        let reverse = self.cross(step, now_ms);
        let change = reverse.change.clone();
        self.undo.push_back(reverse);
        Some(change)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Puts the step's parts back and returns the step that goes the other way.
    fn cross(&mut self, step: Step, now_ms: i64) -> Step {
        let other_side = capture(&self.project, &step.change);
        restore(&mut self.project, step.patch);
        self.project.updated_at_ms = now_ms;
        Step {
            change: step.change,
            patch: other_side,
        }
    }
}
