//! How a project is split into records and put back together (see `schema` for why).
//! Pure: no database access, so the split is the same for every write path.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use shotline_model::project::{Change, Project, Scene, SceneId, Shot, ShotId, WorkflowProfile};
use wasm_bindgen::JsValue;

use super::error::StorageError;
use super::records::{JsRecord, array_key, from_js, to_js};
use super::schema::PROJECTS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Part {
    Header,
    Profiles,
    Scene,
    Shot,
}

impl Part {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Profiles => "profiles",
            Part::Scene => "scene",
            Part::Shot => "shot",
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct PartRecord<B> {
    pub project_id: String,
    pub part: Part,
    /// Empty for the parts a project has one of.
    pub id: String,
    pub body: B,
}

/// The project without its scenes and profiles, plus the order of its scenes.
#[derive(Serialize, Deserialize)]
pub(super) struct HeaderBody {
    /// Bumped by every save: a save that expected another number lost a race with
    /// another tab.
    pub revision: u64,
    pub project: Project,
    pub scene_order: Vec<SceneId>,
}

#[derive(Serialize, Deserialize)]
struct SceneBody {
    scene: Scene,
    shot_order: Vec<ShotId>,
}

pub(super) enum PartWrite {
    Put(JsRecord),
    Delete(JsValue),
}

/// What a save of `change` writes: the header always (revision, update time), and each
/// touched part that still exists, or its deletion.
pub(super) fn changed_parts(
    project: &Project,
    change: &Change,
    revision: u64,
) -> Result<Vec<PartWrite>, StorageError> {
    let id = project.id.as_str();
    let mut writes = vec![PartWrite::Put(header(project, revision)?)];
    if change.document {
        writes.push(PartWrite::Put(record(id, Part::Profiles, "", &project.profiles)?));
    }
    for scene_id in &change.scenes {
        writes.push(match project.scene(scene_id) {
            Some(scene) => PartWrite::Put(scene_record(id, scene)?),
            None => PartWrite::Delete(part_key(id, Part::Scene, scene_id.as_str())),
        });
    }
    for shot_id in &change.shots {
        writes.push(match project.shot(shot_id) {
            Some(shot) => PartWrite::Put(record(id, Part::Shot, shot_id.as_str(), shot)?),
            None => PartWrite::Delete(part_key(id, Part::Shot, shot_id.as_str())),
        });
    }
    Ok(writes)
}

/// Every part of the project, for a project stored for the first time.
pub(super) fn all_parts(project: &Project, revision: u64) -> Result<Vec<JsRecord>, StorageError> {
    let id = project.id.as_str();
    let mut records = vec![
        header(project, revision)?,
        record(id, Part::Profiles, "", &project.profiles)?,
    ];
    for scene in &project.scenes {
        records.push(scene_record(id, scene)?);
        for shot in &scene.shots {
            records.push(record(id, Part::Shot, shot.id.as_str(), shot)?);
        }
    }
    Ok(records)
}

pub(super) fn part_key(project_id: &str, part: Part, id: &str) -> JsValue {
    array_key(&[project_id, part.as_str(), id])
}

fn record<B: Serialize>(project_id: &str, part: Part, id: &str, body: B) -> Result<JsRecord, StorageError> {
    to_js(&PartRecord {
        project_id: project_id.to_owned(),
        part,
        id: id.to_owned(),
        body,
    })
}

fn header(project: &Project, revision: u64) -> Result<JsRecord, StorageError> {
    // Spelled out field by field so a new project field cannot slip past the save.
    let Project {
        id,
        name,
        created_at_ms,
        updated_at_ms,
        story_notes,
        style,
        profiles: _,
        stages,
        servers,
        scenes,
    } = project;
    let body = HeaderBody {
        revision,
        project: Project {
            id: id.clone(),
            name: name.clone(),
            created_at_ms: *created_at_ms,
            updated_at_ms: *updated_at_ms,
            story_notes: story_notes.clone(),
            style: style.clone(),
            profiles: Vec::new(),
            stages: stages.clone(),
            servers: servers.clone(),
            scenes: Vec::new(),
        },
        scene_order: scenes.iter().map(|scene| scene.id.clone()).collect(),
    };
    record(id.as_str(), Part::Header, "", body)
}

fn scene_record(project_id: &str, scene: &Scene) -> Result<JsRecord, StorageError> {
    let Scene {
        id,
        title,
        summary,
        shots,
        transition,
    } = scene;
    let body = SceneBody {
        scene: Scene {
            id: id.clone(),
            title: title.clone(),
            summary: summary.clone(),
            shots: Vec::new(),
            transition: *transition,
        },
        shot_order: shots.iter().map(|shot| shot.id.clone()).collect(),
    };
    record(project_id, Part::Scene, id.as_str(), body)
}

/// A project read back from its records. Damaged or missing scenes and shots are left
/// out and listed in `skipped`; without a readable header or any scene there is no project.
pub(super) struct Assembled {
    pub project: Project,
    pub revision: u64,
    pub skipped: Vec<StorageError>,
}

pub(super) fn assemble(project_id: &str, values: &[JsValue]) -> Result<Assembled, StorageError> {
    let mut skipped = Vec::new();
    let mut header = None;
    let mut profiles = Vec::new();
    let mut scenes: HashMap<String, SceneBody> = HashMap::new();
    let mut shots: HashMap<String, Shot> = HashMap::new();
    for value in values {
        let Ok(raw) = from_js::<PartRecord<serde_json::Value>>(PROJECTS, project_id, value) else {
            skipped.push(corrupt(project_id, "a part", "it has no part and id".to_owned()));
            continue;
        };
        let parsed = match raw.part {
            Part::Header => typed(raw.body).map(|body| header = Some(body)),
            Part::Profiles => typed::<Vec<WorkflowProfile>>(raw.body).map(|body| profiles = body),
            Part::Scene => typed(raw.body).map(|body| drop(scenes.insert(raw.id.clone(), body))),
            Part::Shot => typed(raw.body).map(|body| drop(shots.insert(raw.id.clone(), body))),
        };
        if let Err(reason) = parsed {
            skipped.push(corrupt(
                project_id,
                &format!("{} {}", raw.part.as_str(), raw.id),
                reason,
            ));
        }
    }
    let header: HeaderBody =
        header.ok_or_else(|| corrupt(project_id, "header", "it is missing or damaged".to_owned()))?;
    let mut project = header.project;
    project.profiles = profiles;
    // A part listed in an order but absent was already reported if it was damaged; one
    // that is simply not there is reported here.
    let reported = skipped.len();
    for scene_id in header.scene_order {
        let Some(SceneBody {
            mut scene,
            shot_order,
        }) = scenes.remove(scene_id.as_str())
        else {
            skip_missing(&mut skipped, reported, project_id, "scene", scene_id.as_str());
            continue;
        };
        for shot_id in shot_order {
            match shots.remove(shot_id.as_str()) {
                Some(shot) => scene.shots.push(shot),
                None => skip_missing(&mut skipped, reported, project_id, "shot", shot_id.as_str()),
            }
        }
        project.scenes.push(scene);
    }
    if project.scenes.is_empty() {
        return Err(corrupt(project_id, "scenes", "no scene could be read".to_owned()));
    }
    Ok(Assembled {
        project,
        revision: header.revision,
        skipped,
    })
}

fn skip_missing(skipped: &mut Vec<StorageError>, reported: usize, project_id: &str, part: &str, id: &str) {
    let what = format!("{part} {id}");
    let already = skipped[..reported]
        .iter()
        .any(|error| matches!(error, StorageError::CorruptRecord { key, .. } if key.ends_with(&what)));
    if !already {
        skipped.push(corrupt(project_id, &what, "it is missing".to_owned()));
    }
}

/// A header record, read through `serde_json::Value` like the other parts: reading it
/// straight from text as well compiled every project type for a second deserializer,
/// which doubled that code in the app bundle.
pub(super) fn read_header(project_id: &str, value: &JsValue) -> Result<HeaderBody, StorageError> {
    let raw = from_js::<PartRecord<serde_json::Value>>(PROJECTS, project_id, value)?;
    typed(raw.body).map_err(|reason| StorageError::CorruptRecord {
        store: PROJECTS,
        key: project_id.to_owned(),
        reason,
    })
}

fn typed<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(body).map_err(|error| error.to_string())
}

fn corrupt(project_id: &str, what: &str, reason: String) -> StorageError {
    StorageError::CorruptRecord {
        store: PROJECTS,
        key: format!("project {project_id}, {what}"),
        reason,
    }
}
