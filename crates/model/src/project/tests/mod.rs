//! Behaviour tests for the project model, on a small fixture with known ids.

mod file_import;
mod history;
mod queries;
mod scene_actions;
mod settings_actions;
mod shot_actions;

use super::*;
use crate::server_url::ServerUrl;

/// Scene A holds shots 1 and 2, scene B holds shot 3; one profile, one server.
fn fixture() -> Project {
    let mut first = Shot::empty(shot("shot-1"));
    first.prompt = "A lantern-lit market at night".to_owned();
    first.takes = vec![JobId::new("job-1")];
    first.chosen_take = Some(JobId::new("job-1"));
    let mut second = Shot::empty(shot("shot-2"));
    second.prompt = "Close on a fishmonger's hands".to_owned();
    let mut third = Shot::empty(shot("shot-3"));
    third.prompt = "Rain on the harbour".to_owned();
    third.keyframe = Some(MediaId::new("media-1"));
    Project {
        id: ProjectId::new("project-1"),
        name: "Night market".to_owned(),
        created_at_ms: 1_700_000_000_000,
        updated_at_ms: 1_700_000_000_000,
        story_notes: String::new(),
        style: Enhancers::default(),
        profiles: vec![profile("profile-video", "Video")],
        stages: StageProfiles::default(),
        servers: vec![server("server-1")],
        scenes: vec![
            Scene {
                shots: vec![first, second],
                ..Scene::empty(scene("scene-a"), "Market")
            },
            Scene {
                shots: vec![third],
                ..Scene::empty(scene("scene-b"), "Harbour")
            },
        ],
    }
}

fn scene(id: &str) -> SceneId {
    SceneId::new(id)
}

fn shot(id: &str) -> ShotId {
    ShotId::new(id)
}

fn profile(id: &str, name: &str) -> WorkflowProfile {
    WorkflowProfile {
        id: ProfileId::new(id),
        name: name.to_owned(),
        workflow: serde_json::json!({ "3": { "class_type": "KSampler", "inputs": {} } }),
        mapping: serde_json::json!({ "prompt": "6.text" }),
    }
}

fn server(id: &str) -> ServerConfig {
    ServerConfig {
        id: ServerId::new(id),
        name: "Desk".to_owned(),
        url: ServerUrl::same_origin(),
        enabled: true,
    }
}

/// Shot ids per scene, in timeline order.
fn layout(project: &Project) -> Vec<(String, Vec<String>)> {
    project
        .scenes
        .iter()
        .map(|scene| {
            let shots = scene.shots.iter().map(|s| s.id.to_string()).collect();
            (scene.id.to_string(), shots)
        })
        .collect()
}

fn layout_of(scenes: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    scenes
        .iter()
        .map(|(scene, shots)| (scene.to_string(), shots.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// Applies `action` to the fixture and returns the error, checking nothing changed.
fn refused(action: Action) -> ModelError {
    let mut project = fixture();
    let error = apply(&mut project, action).expect_err("the action should be refused");
    assert_eq!(project, fixture(), "a refused action changed the project");
    error
}

/// Applies `action` to the fixture, which must accept it.
fn applied(action: Action) -> (Project, Change) {
    let mut project = fixture();
    let change = apply(&mut project, action).expect("the action should be accepted");
    (project, change)
}

fn shot_in(project: &Project, id: &str) -> Shot {
    project.shot(&shot(id)).cloned().expect("the shot should exist")
}
