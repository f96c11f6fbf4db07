use super::*;

#[test]
fn adding_a_scene_inserts_an_empty_scene_at_the_requested_position() {
    let (project, change) = applied(Action::AddScene {
        id: scene("scene-new"),
        at: 1,
        title: "Alley".to_owned(),
    });
    assert_eq!(
        layout(&project),
        layout_of(&[
            ("scene-a", &["shot-1", "shot-2"]),
            ("scene-new", &[]),
            ("scene-b", &["shot-3"])
        ])
    );
    assert_eq!(project.scenes[1].title, "Alley");
    assert!(change.scene_order);
    assert!(change.scenes.contains(&scene("scene-new")));
}

#[test]
fn adding_a_scene_at_the_list_length_appends_it() {
    let (project, _) = applied(Action::AddScene {
        id: scene("scene-new"),
        at: 2,
        title: "Dawn".to_owned(),
    });
    assert_eq!(project.scenes[2].id, scene("scene-new"));
}

#[test]
fn adding_a_scene_with_an_id_already_in_use_is_refused() {
    let error = refused(Action::AddScene {
        id: scene("scene-b"),
        at: 0,
        title: "Again".to_owned(),
    });
    assert!(matches!(error, ModelError::DuplicateId { kind: "scene", .. }));
}

#[test]
fn adding_a_scene_past_the_end_is_refused() {
    let error = refused(Action::AddScene {
        id: scene("scene-new"),
        at: 3,
        title: "Far".to_owned(),
    });
    assert_eq!(error, ModelError::PositionOutOfRange { index: 3, len: 2 });
}

#[test]
fn duplicating_a_scene_copies_its_shots_under_new_ids_right_after_it_without_takes() {
    let (project, change) = applied(Action::DuplicateScene {
        scene: scene("scene-a"),
        new_id: scene("scene-copy"),
        new_shots: vec![shot("copy-1"), shot("copy-2")],
    });
    assert_eq!(
        layout(&project),
        layout_of(&[
            ("scene-a", &["shot-1", "shot-2"]),
            ("scene-copy", &["copy-1", "copy-2"]),
            ("scene-b", &["shot-3"])
        ])
    );
    let copy = shot_in(&project, "copy-1");
    assert_eq!(copy.prompt, "A lantern-lit market at night");
    assert!(copy.takes.is_empty() && copy.chosen_take.is_none());
    assert_eq!(project.scenes[1].title, "Market (copy)");
    assert_eq!(change.shots, [shot("copy-1"), shot("copy-2")].into());
}

#[test]
fn the_duplicate_scene_helper_makes_one_fresh_id_per_shot() {
    let mut next = 0;
    let mut fresh_id = || {
        next += 1;
        format!("fresh-{next}")
    };
    let action = Action::duplicate_scene(&fixture(), &scene("scene-a"), &mut fresh_id);
    assert_eq!(
        action,
        Ok(Action::DuplicateScene {
            scene: scene("scene-a"),
            new_id: scene("fresh-1"),
            new_shots: vec![shot("fresh-2"), shot("fresh-3")],
        })
    );
}

#[test]
fn duplicating_a_scene_with_too_few_new_shot_ids_is_refused() {
    let error = refused(Action::DuplicateScene {
        scene: scene("scene-a"),
        new_id: scene("scene-copy"),
        new_shots: vec![shot("copy-1")],
    });
    assert_eq!(
        error,
        ModelError::ShotIdCountMismatch {
            expected: 2,
            given: 1
        }
    );
}

#[test]
fn duplicating_a_scene_with_a_shot_id_already_in_use_is_refused() {
    let error = refused(Action::DuplicateScene {
        scene: scene("scene-a"),
        new_id: scene("scene-copy"),
        new_shots: vec![shot("copy-1"), shot("shot-3")],
    });
    assert!(matches!(error, ModelError::DuplicateId { kind: "shot", .. }));
}

#[test]
fn deleting_a_scene_removes_it_and_reports_its_shots_as_touched() {
    let (project, change) = applied(Action::DeleteScene {
        scene: scene("scene-a"),
    });
    assert_eq!(layout(&project), layout_of(&[("scene-b", &["shot-3"])]));
    assert!(change.scene_order);
    assert_eq!(change.shots, [shot("shot-1"), shot("shot-2")].into());
}

#[test]
fn deleting_the_last_scene_is_refused() {
    let mut project = fixture();
    let deleted = apply(
        &mut project,
        Action::DeleteScene {
            scene: scene("scene-a"),
        },
    );
    assert!(deleted.is_ok());
    let before = project.clone();
    let error = apply(
        &mut project,
        Action::DeleteScene {
            scene: scene("scene-b"),
        },
    );
    assert_eq!(error, Err(ModelError::LastScene));
    assert_eq!(project, before);
}

#[test]
fn deleting_an_unknown_scene_is_refused() {
    let error = refused(Action::DeleteScene { scene: scene("gone") });
    assert_eq!(error, ModelError::SceneNotFound(scene("gone")));
}

#[test]
fn moving_a_scene_reorders_scenes_and_keeps_every_id() {
    let (project, change) = applied(Action::MoveScene {
        scene: scene("scene-a"),
        to: 1,
    });
    assert_eq!(
        layout(&project),
        layout_of(&[("scene-b", &["shot-3"]), ("scene-a", &["shot-1", "shot-2"])])
    );
    assert!(change.scene_order && change.scenes.is_empty() && change.shots.is_empty());
}

#[test]
fn moving_a_scene_past_the_last_place_is_refused() {
    let error = refused(Action::MoveScene {
        scene: scene("scene-a"),
        to: 2,
    });
    assert_eq!(error, ModelError::PositionOutOfRange { index: 2, len: 1 });
}

#[test]
fn renaming_summarising_and_setting_a_transition_edit_only_that_scene() {
    let mut project = fixture();
    let edits = [
        Action::RenameScene {
            scene: scene("scene-b"),
            title: "Docks".to_owned(),
        },
        Action::SetSceneSummary {
            scene: scene("scene-b"),
            summary: "The boats come in".to_owned(),
        },
        Action::SetTransition {
            scene: scene("scene-b"),
            transition: Transition::Dissolve,
        },
    ];
    for action in edits {
        assert_eq!(apply(&mut project, action), Ok(Change::scene(scene("scene-b"))));
    }
    let edited = project.scene(&scene("scene-b")).expect("scene-b exists");
    assert_eq!(
        (edited.title.as_str(), edited.summary.as_str(), edited.transition),
        ("Docks", "The boats come in", Transition::Dissolve)
    );
    assert_eq!(project.scenes[0], fixture().scenes[0]);
}

#[test]
fn editing_an_unknown_scene_is_refused() {
    let error = refused(Action::RenameScene {
        scene: scene("gone"),
        title: "Nowhere".to_owned(),
    });
    assert_eq!(error, ModelError::SceneNotFound(scene("gone")));
}
