//! Upgrading a project file from an older schema version, one step per version.

use serde_json::Value;

use super::error::ProjectFileError;

/// Upgrades a file by one schema version, or says why it cannot.
type Step = fn(Value) -> Result<Value, String>;

/// `STEPS[i]` turns version `i + 1` into version `i + 2`. Adding a schema version means
/// writing one step function and listing it here; the current version follows.
const STEPS: &[Step] = &[seeds_as_text];

/// The version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1 + STEPS.len() as u32;

/// Brings a file of version `from` (1 ..= [`SCHEMA_VERSION`]) up to the current version.
pub(super) fn migrate(file: Value, from: u32) -> Result<Value, ProjectFileError> {
    migrate_with(STEPS, file, from)
}

/// Version 2 writes a fixed seed as decimal text (`{"fixed": "18446744073709551615"}`):
/// a browser's JSON rounds numbers above 2^53, and an older Shotline would misread text
/// where it expects a number, so the version says which form a file holds. A version-1
/// file's numbers were written exactly by serde_json and are carried over digit for digit.
fn seeds_as_text(mut file: Value) -> Result<Value, String> {
    fn visit(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (key, field) in fields.iter_mut() {
                    if key == "seed"
                        && let Some(exact) = field.get("fixed").and_then(Value::as_u64)
                    {
                        field["fixed"] = Value::String(exact.to_string());
                    } else {
                        visit(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(visit),
            _ => {}
        }
    }
    let project = file.get_mut("project").ok_or("the file has no project")?;
    visit(project);
    Ok(file)
}

fn migrate_with(steps: &[Step], mut file: Value, from: u32) -> Result<Value, ProjectFileError> {
    for (from, step) in (1..).zip(steps).skip(from.saturating_sub(1) as usize) {
        file = step(file).map_err(|reason| ProjectFileError::Migration { from, reason })?;
        if let Some(fields) = file.as_object_mut() {
            fields.insert("schema_version".to_owned(), Value::from(from + 1));
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rename_notes(mut file: Value) -> Result<Value, String> {
        let project = file["project"]
            .as_object_mut()
            .ok_or("the project is not an object")?;
        let notes = project.remove("notes").ok_or("the project has no notes")?;
        project.insert("story_notes".to_owned(), notes);
        Ok(file)
    }

    fn refuse(_: Value) -> Result<Value, String> {
        Err("the scenes are not a list".to_owned())
    }

    #[test]
    fn a_version_1_file_gets_its_fixed_seeds_as_exact_text() {
        let text = r#"{"schema_version": 1, "project": {"scenes": [{"shots": [
            {"seed": {"fixed": 18446744073709551615}},
            {"seed": {"fixed": 4847631105726240259}},
            {"seed": "random"}
        ]}]}}"#;
        let file: Value = serde_json::from_str(text).unwrap();
        let migrated = migrate(file, 1).unwrap();
        let shots = &migrated["project"]["scenes"][0]["shots"];
        assert_eq!(shots[0]["seed"], json!({"fixed": "18446744073709551615"}));
        assert_eq!(shots[1]["seed"], json!({"fixed": "4847631105726240259"}));
        assert_eq!(shots[2]["seed"], json!("random"));
        assert_eq!(migrated["schema_version"], json!(2));
    }

    #[test]
    fn files_at_the_current_version_pass_through_unchanged() {
        let file = json!({ "schema_version": SCHEMA_VERSION, "project": { "name": "Night" } });
        assert_eq!(migrate(file.clone(), SCHEMA_VERSION), Ok(file));
    }

    #[test]
    fn an_older_file_runs_every_step_after_its_version_and_ends_at_the_latest() {
        let file = json!({ "schema_version": 1, "project": { "notes": "rain" } });
        let migrated = migrate_with(&[rename_notes], file, 1);
        assert_eq!(
            migrated,
            Ok(json!({ "schema_version": 2, "project": { "story_notes": "rain" } }))
        );
    }

    #[test]
    fn steps_before_the_file_version_are_skipped() {
        let file = json!({ "schema_version": 2, "project": { "notes": "rain" } });
        assert_eq!(
            migrate_with(&[refuse, rename_notes], file, 2),
            Ok(json!({ "schema_version": 3, "project": { "story_notes": "rain" } }))
        );
    }

    #[test]
    fn a_failing_step_names_the_version_it_started_from() {
        let file = json!({ "schema_version": 1, "project": { "notes": "x" } });
        assert_eq!(
            migrate_with(&[rename_notes, refuse], file, 1),
            Err(ProjectFileError::Migration {
                from: 2,
                reason: "the scenes are not a list".to_owned()
            })
        );
    }
}
