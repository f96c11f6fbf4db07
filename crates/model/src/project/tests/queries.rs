use super::*;

#[test]
fn a_new_project_has_one_scene_with_one_empty_shot() {
    let mut next = 0;
    let mut fresh_id = || {
        next += 1;
        format!("id-{next}")
    };
    let project = Project::new_with_first_shot("Untitled", 1_700_000_000_000, &mut fresh_id);
    assert_eq!(project.scenes.len(), 1);
    assert_eq!(project.scenes[0].shots, [Shot::empty(shot("id-2"))]);
    assert_eq!(project.scenes[0].id, scene("id-1"));
    assert_eq!(project.id, ProjectId::new("id-3"));
    assert_eq!(
        (project.created_at_ms, project.updated_at_ms),
        (1_700_000_000_000, 1_700_000_000_000)
    );
}

#[test]
fn shots_are_numbered_from_one_across_scenes_in_timeline_order() {
    let project = fixture();
    let numbers: Vec<(usize, String)> = project
        .numbered_shots()
        .map(|(number, _, shot)| (number, shot.id.to_string()))
        .collect();
    assert_eq!(
        numbers,
        [
            (1, "shot-1".to_owned()),
            (2, "shot-2".to_owned()),
            (3, "shot-3".to_owned())
        ]
    );
    assert_eq!(project.shot_number(&shot("shot-3")), Some(3));
    assert_eq!(project.shot_number(&shot("gone")), None);
}

#[test]
fn shot_numbers_follow_a_move_to_another_scene() {
    let (project, _) = applied(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("scene-b"),
        at: 1,
    });
    assert_eq!(project.shot_number(&shot("shot-1")), Some(3));
    assert_eq!(project.shot_number(&shot("shot-2")), Some(1));
}

#[test]
fn shot_slots_agree_with_numbers_and_positions_after_a_move() {
    let (project, _) = applied(Action::MoveShot {
        shot: shot("shot-1"),
        to_scene: scene("scene-b"),
        at: 1,
    });
    let slots = project.shot_slots();
    assert_eq!(slots.len(), 3);
    for (_, _, each) in project.numbered_shots() {
        let slot = slots[&each.id];
        assert_eq!(Some(slot.number), project.shot_number(&each.id));
        assert_eq!(Some(slot.at), project.shot_position(&each.id));
        assert_eq!(project.shot_at(&each.id, slot.at).map(|s| &s.id), Some(&each.id));
    }
    // A stale slot (the shot moved on) finds nothing rather than another shot.
    let old_place = fixture().shot_slots()[&shot("shot-1")].at;
    assert_eq!(project.shot_at(&shot("shot-1"), old_place), None);
}

#[test]
fn the_next_shot_crosses_into_the_next_scene_and_the_last_has_none() {
    let project = fixture();
    let next = |id: &str| project.next_shot(&shot(id)).map(|next| next.id.to_string());
    assert_eq!(next("shot-1").as_deref(), Some("shot-2"));
    assert_eq!(
        next("shot-2").as_deref(),
        Some("shot-3"),
        "scene A's last shot leads into scene B"
    );
    assert_eq!(next("shot-3"), None);
    assert_eq!(next("no-such-shot"), None);
}

#[test]
fn a_shot_steps_within_its_scene_and_across_scene_boundaries() {
    let mut project = fixture();
    let target = |project: &Project, id: &str, up: bool| {
        project
            .shot_step_target(&shot(id), up)
            .map(|(scene, at)| (scene.to_string(), at))
    };
    assert_eq!(
        target(&project, "shot-1", true),
        None,
        "the first shot stays first"
    );
    assert_eq!(
        target(&project, "shot-3", false),
        None,
        "the last shot stays last"
    );
    assert_eq!(target(&project, "shot-1", false), Some(("scene-a".into(), 1)));
    assert_eq!(target(&project, "shot-2", true), Some(("scene-a".into(), 0)));
    assert_eq!(
        target(&project, "shot-2", false),
        Some(("scene-b".into(), 0)),
        "into the next scene's start"
    );
    assert_eq!(
        target(&project, "shot-3", true),
        Some(("scene-a".into(), 2)),
        "onto the previous scene's end"
    );

    // Applied as the reducer's MoveShot, each step moves the shot by one place in the timeline.
    let (to_scene, at) = project.shot_step_target(&shot("shot-2"), false).unwrap();
    apply(
        &mut project,
        Action::MoveShot {
            shot: shot("shot-2"),
            to_scene,
            at,
        },
    )
    .unwrap();
    let order: Vec<String> = project
        .numbered_shots()
        .map(|(_, _, s)| s.id.to_string())
        .collect();
    assert_eq!(order, ["shot-1", "shot-2", "shot-3"]);
    assert_eq!(project.scenes[1].shots[0].id, shot("shot-2"), "now opens scene B");
    let (to_scene, at) = project.shot_step_target(&shot("shot-1"), false).unwrap();
    apply(
        &mut project,
        Action::MoveShot {
            shot: shot("shot-1"),
            to_scene,
            at,
        },
    )
    .unwrap();
    let order: Vec<String> = project
        .numbered_shots()
        .map(|(_, _, s)| s.id.to_string())
        .collect();
    assert_eq!(
        order,
        ["shot-1", "shot-2", "shot-3"],
        "crossing into a scene is a step of its own"
    );
    assert!(project.scenes[0].shots.is_empty());
    let (to_scene, at) = project.shot_step_target(&shot("shot-1"), false).unwrap();
    apply(
        &mut project,
        Action::MoveShot {
            shot: shot("shot-1"),
            to_scene,
            at,
        },
    )
    .unwrap();
    let order: Vec<String> = project
        .numbered_shots()
        .map(|(_, _, s)| s.id.to_string())
        .collect();
    assert_eq!(order, ["shot-2", "shot-1", "shot-3"]);
}
