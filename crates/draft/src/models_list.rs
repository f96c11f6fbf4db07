//! Reading `GET /models`: the model ids the user picks from.
//!
//! OpenAI's shape is `{"data": [{"id": ...}]}`. LM Studio adds a `type` that marks
//! embedding models, which cannot chat; Ollama's native `/api/tags` and llama.cpp's
//! server answer with `{"models": [{"name" | "model": ...}]}` (llama.cpp sends both lists).

use serde_json::Value;

use crate::error::DraftError;

/// Model ids in the server's order, without duplicates or embedding-only models.
pub fn parse_models(body: &str) -> Result<Vec<String>, DraftError> {
    let json: Value = serde_json::from_str(body).map_err(|error| DraftError::UnreadableModelList {
        detail: error.to_string(),
    })?;
    let entries: Vec<&Value> = match &json {
        Value::Array(items) => items.iter().collect(),
        Value::Object(fields) => ["data", "models"]
            .iter()
            .filter_map(|key| fields.get(*key).and_then(Value::as_array))
            .flatten()
            .collect(),
        _ => Vec::new(),
    };
    if entries.is_empty() && !is_list_shaped(&json) {
        return Err(DraftError::UnreadableModelList {
            detail: "no \"data\" or \"models\" list".to_owned(),
        });
    }
    let mut ids: Vec<String> = Vec::new();
    for id in entries
        .into_iter()
        .filter(|entry| !is_embedding(entry))
        .filter_map(model_id)
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(DraftError::NoModels);
    }
    Ok(ids)
}

fn is_list_shaped(json: &Value) -> bool {
    json.is_array()
        || json.get("data").is_some_and(Value::is_array)
        || json.get("models").is_some_and(Value::is_array)
}

fn model_id(entry: &Value) -> Option<String> {
    let id = match entry {
        Value::String(id) => Some(id.as_str()),
        _ => ["id", "model", "name"]
            .iter()
            .find_map(|key| entry.get(*key).and_then(Value::as_str)),
    };
    id.map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned)
}

/// LM Studio's own API says `type: "embeddings"`; its OpenAI `/v1/models` (and Ollama's)
/// give only the id, where embedding models are named for it (`text-embedding-…`,
/// `nomic-embed-text`, `mxbai-embed-large`).
fn is_embedding(entry: &Value) -> bool {
    let typed = entry
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|kind| kind.starts_with("embedding"));
    typed || model_id(entry).is_some_and(|id| id.to_ascii_lowercase().contains("embed"))
}
