use super::*;

#[test]
fn adding_a_shot_inserts_an_empty_shot_where_asked() {
    let (project, change) = applied(Action::AddShot {
        scene: scene("scene-a"),
        id: shot("shot-new"),
        at: 1,
    });
    assert_eq!(
        layout(&project)[0],
        layout_of(&[("scene-a", &["shot-1", "shot-new", "shot-2"])])[0]
    );
    assert_eq!(shot_in(&project, "shot-new"), Shot::empty(shot("shot-new")));
    assert_eq!(change.scenes, [scene("scene-a")].into());
    assert_eq!(change.shots, [shot("shot-new")].into());
}

#[test]
fn adding_a_shot_to_an_unknown_scene_or_with_a_used_id_is_refused() {
    let missing = refused(Action::AddShot {
        scene: scene("gone"),
        id: shot("shot-new"),
        at: 0,
    });
    assert_eq!(missing, ModelError::SceneNotFound(scene("gone")));
    let reused = refused(Action::AddShot {
        scene: scene("scene-b"),
        id: shot("shot-1"),
        at: 0,
    });
    assert!(matches!(reused, ModelError::DuplicateId { kind: "shot", .. }));
}

#[test]
fn duplicating_a_shot_places_the_copy_after_it_without_takes() {
    let (project, _) = applied(Action::DuplicateShot {
        shot: shot("shot-1"),
        new_id: shot("shot-copy"),
    });
    assert_eq!(layout(&project)[0].1, ["shot-1", "shot-copy", "shot-2"]);
    let copy = shot_in(&project, "shot-copy");
    assert_eq!(copy.prompt, shot_in(&project, "shot-1").prompt);
    assert!(copy.takes.is_empty() && copy.chosen_take.is_none());
}

#[test]
fn deleting_a_shot_removes_only_that_shot() {
    let (project, change) = applied(Action::DeleteShot { shot: shot("shot-1") });
    assert_eq!(
        layout(&project),
        layout_of(&[("scene-a", &["shot-2"]), ("scene-b", &["shot-3"])])
    );
    assert_eq!(change.shots, [shot("shot-1")].into());
}

#[test]
fn deleting_an_unknown_shot_is_refused() {
    assert_eq!(
        refused(Action::DeleteShot { shot: shot("gone") }),
        ModelError::ShotNotFound(shot("gone"))
    );
}

#[test]
fn moving_a_shot_within_its_scene_reorders_it() {
    let (project, _) = applied(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("scene-a"),
        at: 1,
    });
    assert_eq!(layout(&project)[0].1, ["shot-2", "shot-1"]);
}

#[test]
fn moving_a_shot_to_another_scene_keeps_its_id_and_content() {
    let (project, change) = applied(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("scene-b"),
        at: 1,
    });
    assert_eq!(
        layout(&project),
        layout_of(&[("scene-a", &["shot-2"]), ("scene-b", &["shot-3", "shot-1"])])
    );
    assert_eq!(shot_in(&project, "shot-1"), shot_in(&fixture(), "shot-1"));
    assert_eq!(change.scenes, [scene("scene-a"), scene("scene-b")].into());
}

#[test]
fn moving_a_shot_to_a_missing_scene_is_refused() {
    let error = refused(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("gone"),
        at: 0,
    });
    assert_eq!(error, ModelError::TargetSceneNotFound(scene("gone")));
    assert!(error.to_string().contains("target scene no longer exists"));
}

#[test]
fn moving_a_shot_past_the_end_of_its_own_scene_is_refused() {
    let error = refused(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("scene-a"),
        at: 2,
    });
    assert_eq!(error, ModelError::PositionOutOfRange { index: 2, len: 1 });
}

#[test]
fn text_edits_change_only_the_edited_shot() {
    let mut project = fixture();
    let edits = [
        Action::SetPrompt {
            shot: shot("shot-2"),
            prompt: "Ice glittering under lamps".to_owned(),
        },
        Action::SetNegative {
            shot: shot("shot-2"),
            negative: "blurry".to_owned(),
        },
        Action::SetShotEnhancer {
            shot: shot("shot-2"),
            enhancer: Enhancer::Lens,
            value: Some(" 85mm ".to_owned()),
        },
    ];
    for action in edits {
        assert_eq!(apply(&mut project, action), Ok(Change::shot(shot("shot-2"))));
    }
    let edited = shot_in(&project, "shot-2");
    assert_eq!(edited.prompt, "Ice glittering under lamps");
    assert_eq!(edited.negative, "blurry");
    assert_eq!(edited.enhancers.get(Enhancer::Lens), Some("85mm"));
    assert_eq!(shot_in(&project, "shot-1"), shot_in(&fixture(), "shot-1"));
}

#[test]
fn a_blank_enhancer_clears_the_slot_so_the_style_default_applies() {
    let mut project = fixture();
    project.style.set(Enhancer::Mood, Some("melancholy".to_owned()));
    let set = Action::SetShotEnhancer {
        shot: shot("shot-1"),
        enhancer: Enhancer::Mood,
        value: Some("joyful".to_owned()),
    };
    let cleared = Action::SetShotEnhancer {
        shot: shot("shot-1"),
        enhancer: Enhancer::Mood,
        value: Some("   ".to_owned()),
    };
    assert!(apply(&mut project, set).is_ok() && apply(&mut project, cleared).is_ok());
    let resolved = shot_in(&project, "shot-1").enhancers.or_defaults(&project.style);
    assert_eq!(resolved.get(Enhancer::Mood), Some("melancholy"));
}

#[test]
fn a_positive_duration_is_accepted_and_others_are_refused() {
    let (project, _) = applied(Action::SetDuration {
        shot: shot("shot-1"),
        duration_s: 2.5,
    });
    assert_eq!(shot_in(&project, "shot-1").duration_s, 2.5);
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let error = refused(Action::SetDuration {
            shot: shot("shot-1"),
            duration_s: bad,
        });
        assert!(
            matches!(error, ModelError::InvalidDuration(_)),
            "{bad} was accepted"
        );
    }
}

#[test]
fn locking_the_seed_keeps_the_value_and_unlocking_makes_it_random() {
    let (mut project, _) = applied(Action::SetSeed {
        shot: shot("shot-1"),
        seed: Seed::Fixed(42),
    });
    assert_eq!(shot_in(&project, "shot-1").seed, Seed::Fixed(42));
    let unlock = Action::SetSeed {
        shot: shot("shot-1"),
        seed: Seed::Random,
    };
    assert!(apply(&mut project, unlock).is_ok());
    assert_eq!(shot_in(&project, "shot-1").seed, Seed::Random);
}

#[test]
fn a_keyframe_can_be_set_and_cleared() {
    let (mut project, _) = applied(Action::SetKeyframe {
        shot: shot("shot-1"),
        keyframe: Some(MediaId::new("media-9")),
    });
    assert_eq!(
        shot_in(&project, "shot-1").keyframe,
        Some(MediaId::new("media-9"))
    );
    let clear = Action::SetKeyframe {
        shot: shot("shot-1"),
        keyframe: None,
    };
    assert!(apply(&mut project, clear).is_ok());
    assert_eq!(shot_in(&project, "shot-1").keyframe, None);
}

#[test]
fn a_profile_override_must_name_a_profile_of_the_project() {
    let (project, _) = applied(Action::SetShotProfile {
        shot: shot("shot-1"),
        profile: Some(ProfileId::new("profile-video")),
    });
    assert_eq!(
        shot_in(&project, "shot-1").profile,
        Some(ProfileId::new("profile-video"))
    );
    let error = refused(Action::SetShotProfile {
        shot: shot("shot-1"),
        profile: Some(ProfileId::new("gone")),
    });
    assert_eq!(error, ModelError::ProfileNotFound(ProfileId::new("gone")));
}

#[test]
fn a_take_is_added_once_and_only_a_shots_own_take_can_be_chosen() {
    let (mut project, _) = applied(Action::AddTake {
        shot: shot("shot-1"),
        take: JobId::new("job-2"),
    });
    assert_eq!(
        shot_in(&project, "shot-1").takes,
        [JobId::new("job-1"), JobId::new("job-2")]
    );
    let choose = Action::ChooseTake {
        shot: shot("shot-1"),
        take: Some(JobId::new("job-2")),
    };
    assert!(apply(&mut project, choose).is_ok());
    assert_eq!(shot_in(&project, "shot-1").chosen_take, Some(JobId::new("job-2")));

    let again = refused(Action::AddTake {
        shot: shot("shot-1"),
        take: JobId::new("job-1"),
    });
    assert!(matches!(again, ModelError::TakeAlreadyAdded { .. }));
    let foreign = refused(Action::ChooseTake {
        shot: shot("shot-2"),
        take: Some(JobId::new("job-1")),
    });
    assert!(matches!(foreign, ModelError::TakeNotFound { .. }));
}

#[test]
fn editing_an_unknown_shot_is_refused() {
    let error = refused(Action::SetPrompt {
        shot: shot("gone"),
        prompt: "Anything".to_owned(),
    });
    assert_eq!(error, ModelError::ShotNotFound(shot("gone")));
}

#[test]
fn a_shot_without_a_prompt_cannot_be_generated() {
    let mut blank = Shot::empty(shot("shot-blank"));
    assert_eq!(
        validate_for_generate(&blank),
        Err(ModelError::EmptyPrompt(shot("shot-blank")))
    );
    blank.prompt = " \n ".to_owned();
    assert_eq!(
        validate_for_generate(&blank),
        Err(ModelError::EmptyPrompt(shot("shot-blank")))
    );
    assert_eq!(validate_for_generate(&shot_in(&fixture(), "shot-1")), Ok(()));
}
