use serde_json::{Value, json};

use super::*;

const EXPORTED_AT_MS: i64 = 1_800_000_000_000;

fn keyframe_media() -> MediaEntry {
    MediaEntry {
        id: MediaId::new("media-1"),
        mime: "image/png".to_owned(),
        data_url: "data:image/png;base64,iVBORw0KGgo=".to_owned(),
        sha256: "4c4b6a3be1314ab86138bef4314dde022e600960d8689a2c8f8631802d20dab6".to_owned(),
        bytes: 8,
    }
}

fn nothing_stored(_: &MediaId) -> bool {
    false
}

/// The fixture exported with its keyframe, as JSON to tamper with.
fn exported_value() -> Value {
    let text = export_project(&fixture(), vec![keyframe_media()], EXPORTED_AT_MS);
    serde_json::from_str(&text.expect("the fixture exports")).expect("an export is JSON")
}

fn import_value(file: &Value) -> Result<ProjectFile, ProjectFileError> {
    import_project(&file.to_string(), nothing_stored)
}

#[test]
fn an_exported_project_imports_back_identical_with_its_media() {
    let text = export_project(&fixture(), vec![keyframe_media()], EXPORTED_AT_MS);
    let imported = import_project(&text.expect("the fixture exports"), nothing_stored);
    assert_eq!(
        imported,
        Ok(ProjectFile {
            format: FILE_FORMAT.to_owned(),
            schema_version: SCHEMA_VERSION,
            exported_at_ms: EXPORTED_AT_MS,
            project: fixture(),
            media: vec![keyframe_media()],
        })
    );
}

#[test]
fn a_keyframe_may_point_at_media_already_in_this_browser() {
    let mut file = exported_value();
    file["media"] = json!([]);
    let imported = import_project(&file.to_string(), |id| id.as_str() == "media-1");
    assert!(imported.is_ok(), "{imported:?}");
}

#[test]
fn a_keyframe_pointing_at_media_nowhere_is_reported_by_shot_number() {
    let mut file = exported_value();
    file["media"] = json!([]);
    let error = import_value(&file).expect_err("dangling media should be refused");
    assert_eq!(
        error,
        ProjectFileError::DanglingMedia {
            shot_numbers: vec![3]
        }
    );
    assert!(error.to_string().starts_with("Shot 3 uses keyframe images"));
}

#[test]
fn referenced_media_lists_the_keyframes_an_export_needs() {
    assert_eq!(referenced_media(&fixture()), [MediaId::new("media-1")].into());
}

#[test]
fn text_that_is_not_json_is_refused_with_where_it_breaks() {
    let error = import_project("{ \"format\": ", nothing_stored);
    assert!(
        matches!(error, Err(ProjectFileError::NotJson { line: 1, .. })),
        "{error:?}"
    );
}

#[test]
fn a_ui_format_comfyui_workflow_is_recognised_and_refused() {
    let workflow = json!({ "last_node_id": 9, "nodes": [], "links": [], "version": 0.4 });
    let error = import_value(&workflow).expect_err("a workflow is not a project");
    assert_eq!(error, ProjectFileError::UiWorkflow);
    assert!(error.to_string().contains("Export (API)"));
}

#[test]
fn an_api_format_comfyui_workflow_is_recognised_and_refused() {
    let workflow = json!({
        "3": { "class_type": "KSampler", "inputs": { "seed": 5 } },
        "9": { "class_type": "SaveImage", "inputs": {} }
    });
    assert_eq!(import_value(&workflow), Err(ProjectFileError::ApiWorkflow));
}

#[test]
fn other_json_is_refused_as_not_a_project() {
    assert_eq!(
        import_value(&json!({ "hello": "world" })),
        Err(ProjectFileError::NotAProject)
    );
    assert_eq!(
        import_value(&json!([1, 2, 3])),
        Err(ProjectFileError::NotAProject)
    );
}

#[test]
fn a_file_from_a_newer_shotline_is_refused_with_an_update_hint() {
    let mut file = exported_value();
    file["schema_version"] = json!(SCHEMA_VERSION + 1);
    let error = import_value(&file).expect_err("a newer file should be refused");
    assert_eq!(
        error,
        ProjectFileError::NewerVersion {
            found: u64::from(SCHEMA_VERSION + 1),
            supported: SCHEMA_VERSION
        }
    );
    assert!(error.to_string().contains("update Shotline"));
}

#[test]
fn a_file_without_a_usable_schema_version_is_refused() {
    let mut file = exported_value();
    file["schema_version"] = json!(0);
    assert_eq!(import_value(&file), Err(ProjectFileError::MissingVersion));
    file["schema_version"] = json!("1");
    assert_eq!(import_value(&file), Err(ProjectFileError::MissingVersion));
}

#[test]
fn a_project_missing_a_required_field_is_reported_as_damaged() {
    let mut file = exported_value();
    if let Some(project) = file["project"].as_object_mut() {
        project.remove("scenes");
    }
    let error = import_value(&file).expect_err("a project without scenes field is damaged");
    assert!(
        matches!(&error, ProjectFileError::Malformed(why) if why.contains("scenes")),
        "{error:?}"
    );
}

#[test]
fn a_project_with_no_scenes_is_refused() {
    let mut file = exported_value();
    file["project"]["scenes"] = json!([]);
    assert_eq!(import_value(&file), Err(ProjectFileError::NoScenes));
}

#[test]
fn duplicate_shot_ids_are_refused_naming_the_id() {
    let mut file = exported_value();
    file["project"]["scenes"][1]["shots"][0]["id"] = json!("shot-1");
    let error = import_value(&file).expect_err("duplicate ids should be refused");
    assert_eq!(
        error,
        ProjectFileError::DuplicateId {
            kind: "shot",
            id: "shot-1".to_owned()
        }
    );
    assert!(error.to_string().contains("shot-1"));
}

#[test]
fn duplicate_scene_ids_are_refused() {
    let mut file = exported_value();
    file["project"]["scenes"][1]["id"] = json!("scene-a");
    assert!(matches!(
        import_value(&file),
        Err(ProjectFileError::DuplicateId { kind: "scene", .. })
    ));
}

#[test]
fn a_shot_using_a_profile_missing_from_the_file_is_refused() {
    let mut file = exported_value();
    file["project"]["scenes"][0]["shots"][1]["profile"] = json!("gone");
    assert_eq!(
        import_value(&file),
        Err(ProjectFileError::MissingProfile {
            used_by: "Shot 2".to_owned()
        })
    );
}

#[test]
fn a_chosen_take_that_is_not_among_the_takes_is_refused() {
    let mut file = exported_value();
    file["project"]["scenes"][0]["shots"][0]["chosen_take"] = json!("job-9");
    assert_eq!(
        import_value(&file),
        Err(ProjectFileError::UnknownChosenTake { shot_number: 1 })
    );
}

#[test]
fn media_of_a_type_shotline_does_not_keep_is_refused_on_import_and_export() {
    let mut file = exported_value();
    file["media"][0]["mime"] = json!("text/html");
    file["media"][0]["data_url"] = json!("data:text/html;base64,PGgxPg==");
    let expected = ProjectFileError::UnsupportedMedia {
        id: MediaId::new("media-1"),
        mime: "text/html".to_owned(),
    };
    assert_eq!(import_value(&file), Err(expected.clone()));
    let html = MediaEntry {
        mime: "text/html".to_owned(),
        ..keyframe_media()
    };
    assert_eq!(
        export_project(&fixture(), vec![html], EXPORTED_AT_MS),
        Err(expected)
    );
}

#[test]
fn media_whose_data_url_disagrees_with_its_type_is_refused() {
    let mut file = exported_value();
    file["media"][0]["data_url"] = json!("data:video/mp4;base64,AAAA");
    assert_eq!(
        import_value(&file),
        Err(ProjectFileError::MediaDataMismatch {
            id: MediaId::new("media-1")
        })
    );
}

#[test]
fn files_over_the_size_limit_are_refused_before_reading() {
    assert_eq!(check_import_size(MAX_IMPORT_BYTES), Ok(()));
    let error = check_import_size(250 * 1024 * 1024).expect_err("250 MB is over the limit");
    assert_eq!(
        error.to_string(),
        "This file is 250 MB; Shotline imports project files up to 200 MB. Export the project again \
         without media."
    );
}

#[test]
fn a_shot_with_a_negative_duration_is_refused() {
    let mut file = exported_value();
    file["project"]["scenes"][1]["shots"][0]["duration_s"] = json!(-2.0);
    assert_eq!(
        import_value(&file),
        Err(ProjectFileError::InvalidDuration { shot_number: 3 })
    );
}
