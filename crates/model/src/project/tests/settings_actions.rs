use super::*;

#[test]
fn project_name_notes_and_style_are_document_changes() {
    let mut project = fixture();
    let edits = [
        Action::RenameProject {
            name: "Harbour nights".to_owned(),
        },
        Action::SetStoryNotes {
            notes: "A fisherman's last night".to_owned(),
        },
        Action::SetStyleEnhancer {
            enhancer: Enhancer::Lighting,
            value: Some("sodium lamps".to_owned()),
        },
    ];
    for action in edits {
        assert_eq!(apply(&mut project, action), Ok(Change::document()));
    }
    assert_eq!(project.name, "Harbour nights");
    assert_eq!(project.story_notes, "A fisherman's last night");
    assert_eq!(project.style.get(Enhancer::Lighting), Some("sodium lamps"));
    assert_eq!(project.scenes, fixture().scenes);
}

#[test]
fn putting_a_profile_adds_a_new_one_and_replaces_one_with_the_same_id() {
    let (mut project, _) = applied(Action::PutProfile {
        profile: profile("profile-still", "Still"),
    });
    assert_eq!(project.profiles.len(), 2);
    let renamed = Action::PutProfile {
        profile: profile("profile-still", "Still, sharper"),
    };
    assert!(apply(&mut project, renamed).is_ok());
    assert_eq!(project.profiles.len(), 2);
    assert_eq!(project.profiles[1].name, "Still, sharper");
}

#[test]
fn an_unused_profile_can_be_removed() {
    let (project, _) = applied(Action::RemoveProfile {
        profile: ProfileId::new("profile-video"),
    });
    assert!(project.profiles.is_empty());
}

#[test]
fn removing_a_profile_in_use_is_refused_and_names_its_users() {
    let mut project = fixture();
    let uses = Action::Batch(vec![
        Action::SetStageProfiles {
            keyframe: None,
            shot: Some(ProfileId::new("profile-video")),
        },
        Action::SetShotProfile {
            shot: shot("shot-3"),
            profile: Some(ProfileId::new("profile-video")),
        },
    ]);
    assert!(apply(&mut project, uses).is_ok());
    let before = project.clone();
    let removal = apply(
        &mut project,
        Action::RemoveProfile {
            profile: ProfileId::new("profile-video"),
        },
    );
    assert_eq!(
        removal.map_err(|error| error.to_string()),
        Err(
            "The workflow profile \"Video\" is still used by the shot stage, Shot 3; choose another \
             profile there first."
                .to_owned()
        )
    );
    assert_eq!(project, before);
}

#[test]
fn stage_profiles_must_name_profiles_of_the_project() {
    let (project, _) = applied(Action::SetStageProfiles {
        keyframe: Some(ProfileId::new("profile-video")),
        shot: None,
    });
    assert_eq!(project.stages.keyframe, Some(ProfileId::new("profile-video")));
    let error = refused(Action::SetStageProfiles {
        keyframe: None,
        shot: Some(ProfileId::new("gone")),
    });
    assert_eq!(error, ModelError::ProfileNotFound(ProfileId::new("gone")));
}

#[test]
fn servers_can_be_added_disabled_and_removed() {
    let (mut project, _) = applied(Action::AddServer {
        server: server("server-2"),
    });
    assert_eq!(project.servers.len(), 2);
    let disable = Action::SetServerEnabled {
        server: ServerId::new("server-2"),
        enabled: false,
    };
    assert!(apply(&mut project, disable).is_ok());
    assert!(!project.servers[1].enabled);
    let remove = Action::RemoveServer {
        server: ServerId::new("server-1"),
    };
    assert!(apply(&mut project, remove).is_ok());
    assert_eq!(
        project.servers.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["server-2"]
    );
}

#[test]
fn server_actions_on_a_used_or_unknown_id_are_refused() {
    let twice = refused(Action::AddServer {
        server: server("server-1"),
    });
    assert!(matches!(twice, ModelError::DuplicateId { kind: "server", .. }));
    let gone = ServerId::new("gone");
    assert_eq!(
        refused(Action::RemoveServer { server: gone.clone() }),
        ModelError::ServerNotFound(gone.clone())
    );
    assert_eq!(
        refused(Action::SetServerEnabled {
            server: gone.clone(),
            enabled: true
        }),
        ModelError::ServerNotFound(gone)
    );
}

#[test]
fn a_batch_applies_every_step_and_reports_everything_it_touched() {
    let (project, change) = applied(Action::Batch(vec![
        Action::AddScene {
            id: scene("scene-c"),
            at: 2,
            title: "Dawn".to_owned(),
        },
        Action::AddShot {
            scene: scene("scene-c"),
            id: shot("shot-4"),
            at: 0,
        },
        Action::SetPrompt {
            shot: shot("shot-4"),
            prompt: "First light over the water".to_owned(),
        },
    ]));
    assert_eq!(shot_in(&project, "shot-4").prompt, "First light over the water");
    assert!(change.scene_order);
    assert_eq!(change.scenes, [scene("scene-c")].into());
    assert_eq!(change.shots, [shot("shot-4")].into());
}

#[test]
fn a_batch_with_one_invalid_step_changes_nothing() {
    let error = refused(Action::Batch(vec![
        Action::SetPrompt {
            shot: shot("shot-1"),
            prompt: "Changed".to_owned(),
        },
        Action::DeleteScene {
            scene: scene("scene-a"),
        },
        Action::MoveShot {
            shot: shot("shot-3"),
            to_scene: scene("scene-a"),
            at: 0,
        },
    ]));
    assert_eq!(error, ModelError::TargetSceneNotFound(scene("scene-a")));
}
