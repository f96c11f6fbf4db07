use super::*;

const T0_MS: i64 = 1_800_000_000_000;

/// One valid action of every undoable kind, each on the fixture.
fn every_undoable_action() -> Vec<Action> {
    vec![
        Action::RenameProject {
            name: "Renamed".to_owned(),
        },
        Action::SetStoryNotes {
            notes: "Notes".to_owned(),
        },
        Action::SetStyleEnhancer {
            enhancer: Enhancer::Vfx,
            value: Some("film grain".to_owned()),
        },
        Action::AddScene {
            id: scene("scene-new"),
            at: 0,
            title: "Prologue".to_owned(),
        },
        Action::DuplicateScene {
            scene: scene("scene-a"),
            new_id: scene("scene-copy"),
            new_shots: vec![shot("copy-1"), shot("copy-2")],
        },
        Action::DeleteScene {
            scene: scene("scene-a"),
        },
        Action::MoveScene {
            scene: scene("scene-b"),
            to: 0,
        },
        Action::RenameScene {
            scene: scene("scene-a"),
            title: "Bazaar".to_owned(),
        },
        Action::SetSceneSummary {
            scene: scene("scene-a"),
            summary: "Crowds".to_owned(),
        },
        Action::SetTransition {
            scene: scene("scene-a"),
            transition: Transition::FadeToBlack,
        },
        Action::AddShot {
            scene: scene("scene-b"),
            id: shot("shot-new"),
            at: 0,
        },
        Action::DuplicateShot {
            shot: shot("shot-2"),
            new_id: shot("shot-copy"),
        },
        Action::DeleteShot { shot: shot("shot-1") },
        Action::MoveShot {
            shot: shot("shot-2"),
            to_scene: scene("scene-b"),
            at: 0,
        },
        Action::SetPrompt {
            shot: shot("shot-3"),
            prompt: "Storm".to_owned(),
        },
        Action::SetNegative {
            shot: shot("shot-3"),
            negative: "text".to_owned(),
        },
        Action::SetShotEnhancer {
            shot: shot("shot-3"),
            enhancer: Enhancer::Pacing,
            value: Some("slow".to_owned()),
        },
        Action::SetDuration {
            shot: shot("shot-3"),
            duration_s: 8.0,
        },
        Action::SetSeed {
            shot: shot("shot-3"),
            seed: Seed::Fixed(7),
        },
        Action::SetKeyframe {
            shot: shot("shot-3"),
            keyframe: None,
        },
        Action::SetShotProfile {
            shot: shot("shot-3"),
            profile: Some(ProfileId::new("profile-video")),
        },
        Action::ChooseTake {
            shot: shot("shot-1"),
            take: None,
        },
        Action::PutProfile {
            profile: profile("profile-still", "Still"),
        },
        Action::RemoveProfile {
            profile: ProfileId::new("profile-video"),
        },
        Action::SetStageProfiles {
            keyframe: Some(ProfileId::new("profile-video")),
            shot: Some(ProfileId::new("profile-video")),
        },
        Action::AddServer {
            server: server("server-2"),
        },
        Action::RemoveServer {
            server: ServerId::new("server-1"),
        },
        Action::SetServerEnabled {
            server: ServerId::new("server-1"),
            enabled: false,
        },
    ]
}

/// The project as it is with a time stamp, for comparing across undo/redo.
fn at(mut project: Project, now_ms: i64) -> Project {
    project.updated_at_ms = now_ms;
    project
}

#[test]
fn every_action_is_undone_to_the_exact_previous_project_and_redone_to_its_result() {
    for action in every_undoable_action() {
        let mut history = History::new(fixture());
        let applied = history.apply(action.clone(), T0_MS);
        assert!(applied.is_ok(), "{action:?} was refused: {applied:?}");
        let after = history.project().clone();

        assert_eq!(history.undo(T0_MS + 1), applied.clone().ok(), "{action:?}");
        assert_eq!(history.project(), &at(fixture(), T0_MS + 1), "undo of {action:?}");
        assert_eq!(history.redo(T0_MS + 2), applied.ok(), "{action:?}");
        assert_eq!(history.project(), &at(after, T0_MS + 2), "redo of {action:?}");
        history.undo(T0_MS + 3);
        assert_eq!(
            history.project(),
            &at(fixture(), T0_MS + 3),
            "second undo of {action:?}"
        );
    }
}

#[test]
fn undoing_a_sequence_walks_back_through_each_state_in_order() {
    let mut history = History::new(fixture());
    let mut states = vec![history.project().clone()];
    for action in every_undoable_action() {
        // Some actions do not apply after earlier ones (e.g. scene-a deleted): skip those.
        if history.apply(action, T0_MS).is_ok() {
            states.push(history.project().clone());
        }
    }
    let applied = states.len() - 1;
    assert!(
        applied > every_undoable_action().len() / 2,
        "only {applied} actions applied"
    );
    while let Some(expected) = states.pop() {
        assert_eq!(history.project(), &at(expected, T0_MS));
        history.undo(T0_MS);
    }
    assert!(!history.can_undo());
}

#[test]
fn a_new_action_after_undo_clears_redo() {
    let mut history = History::new(fixture());
    let rename = |name: &str| Action::RenameProject {
        name: name.to_owned(),
    };
    assert!(history.apply(rename("First"), T0_MS).is_ok());
    history.undo(T0_MS);
    assert!(history.can_redo());
    assert!(history.apply(rename("Second"), T0_MS).is_ok());
    assert!(!history.can_redo());
    assert_eq!(history.redo(T0_MS), None);
    assert_eq!(history.project().name, "Second");
}

#[test]
fn only_the_last_hundred_actions_can_be_undone() {
    let mut history = History::new(fixture());
    for n in 1..=UNDO_LIMIT + 5 {
        let rename = Action::RenameProject {
            name: format!("Name {n}"),
        };
        assert!(history.apply(rename, T0_MS).is_ok());
    }
    let mut undone = 0;
    while history.undo(T0_MS).is_some() {
        undone += 1;
    }
    assert_eq!(undone, UNDO_LIMIT);
    assert_eq!(history.project().name, "Name 5");
}

#[test]
fn a_batch_is_undone_in_one_step() {
    let mut history = History::new(fixture());
    let accept_draft = Action::Batch(vec![
        Action::AddShot {
            scene: scene("scene-b"),
            id: shot("draft-1"),
            at: 1,
        },
        Action::SetPrompt {
            shot: shot("draft-1"),
            prompt: "Gulls".to_owned(),
        },
        Action::SetPrompt {
            shot: shot("shot-1"),
            prompt: "Lanterns swaying".to_owned(),
        },
    ]);
    assert!(history.apply(accept_draft, T0_MS).is_ok());
    history.undo(T0_MS);
    assert_eq!(history.project(), &at(fixture(), T0_MS));
    assert!(!history.can_undo());
}

#[test]
fn a_refused_action_leaves_history_and_project_untouched() {
    let mut history = History::new(fixture());
    let refused = history.apply(Action::DeleteShot { shot: shot("gone") }, T0_MS);
    assert_eq!(refused, Err(ModelError::ShotNotFound(shot("gone"))));
    assert!(!history.can_undo());
    assert_eq!(history.project(), &fixture());
}

#[test]
fn undo_and_redo_with_nothing_to_do_return_none() {
    let mut history = History::new(fixture());
    assert_eq!((history.undo(T0_MS), history.redo(T0_MS)), (None, None));
    assert_eq!(history.into_project(), fixture());
}

#[test]
fn a_take_is_not_an_undo_step_and_survives_undoing_an_earlier_edit() {
    let mut history = History::new(fixture());
    let edit = Action::SetPrompt {
        shot: shot("shot-1"),
        prompt: "Edited".to_owned(),
    };
    assert!(history.apply(edit, T0_MS).is_ok());
    let take = Action::AddTake {
        shot: shot("shot-1"),
        take: JobId::new("job-2"),
    };
    assert!(history.apply(take, T0_MS).is_ok());
    history.undo(T0_MS);
    let restored = shot_in(history.project(), "shot-1");
    assert_eq!(restored.prompt, "A lantern-lit market at night");
    assert_eq!(restored.takes, [JobId::new("job-1"), JobId::new("job-2")]);
    assert!(!history.can_undo());
}
