//! The JSON schemas sent as `response_format`, one per thing asked for (a whole draft,
//! one scene, one shot), matching [`crate::Draft`]'s serde form.
//!
//! Keys keep the order written here: llama.cpp (and LM Studio, which uses it) turn the
//! schema into a grammar that makes the model write properties in schema order, and a
//! scene's title and summary should come before its shots. `serde_json::Value` would sort
//! them alphabetically (shots first).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};
use shotline_model::project::Enhancer;

use crate::limits::{MAX_SHOT_DURATION_S, MIN_SHOT_DURATION_S};

/// A JSON value whose objects keep their keys in the order given.
#[derive(Debug, Clone)]
pub(crate) enum Ordered {
    Object(Vec<(&'static str, Ordered)>),
    Plain(Value),
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Plain(value) => value.serialize(serializer),
            Ordered::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

pub(crate) fn draft_schema(scenes: usize, shots_per_scene: usize) -> Ordered {
    object(vec![
        ("title", string()),
        ("scenes", array_of(scene_schema(shots_per_scene), scenes)),
    ])
}

pub(crate) fn scene_schema(shots: usize) -> Ordered {
    object(vec![
        ("title", string()),
        ("summary", string()),
        ("shots", array_of(shot_schema(), shots)),
    ])
}

pub(crate) fn shot_schema() -> Ordered {
    let enhancers = Enhancer::ALL
        .iter()
        .map(|enhancer| (enhancer_key(*enhancer), string()))
        .collect();
    object(vec![
        ("prompt", string()),
        ("enhancers", object(enhancers)),
        (
            "duration_s",
            Ordered::Plain(json!({
                "type": "number",
                "minimum": MIN_SHOT_DURATION_S,
                "maximum": MAX_SHOT_DURATION_S,
            })),
        ),
    ])
}

/// The field name of `enhancer` in [`shotline_model::project::Enhancers`]'s serde form.
pub(crate) fn enhancer_key(enhancer: Enhancer) -> &'static str {
    match enhancer {
        Enhancer::Framing => "framing",
        Enhancer::Movement => "movement",
        Enhancer::Lens => "lens",
        Enhancer::Lighting => "lighting",
        Enhancer::Mood => "mood",
        Enhancer::Vfx => "vfx",
        Enhancer::Pacing => "pacing",
    }
}

/// Every property required and no others, which OpenAI's strict mode insists on and
/// local servers accept.
fn object(properties: Vec<(&'static str, Ordered)>) -> Ordered {
    let required: Vec<&str> = properties.iter().map(|(key, _)| *key).collect();
    Ordered::Object(vec![
        ("type", Ordered::Plain(json!("object"))),
        ("properties", Ordered::Object(properties)),
        ("required", Ordered::Plain(json!(required))),
        ("additionalProperties", Ordered::Plain(json!(false))),
    ])
}

/// Exactly `count` items: grammar-based servers then cannot stop early or run on.
fn array_of(items: Ordered, count: usize) -> Ordered {
    Ordered::Object(vec![
        ("type", Ordered::Plain(json!("array"))),
        ("items", items),
        ("minItems", Ordered::Plain(json!(count))),
        ("maxItems", Ordered::Plain(json!(count))),
    ])
}

fn string() -> Ordered {
    Ordered::Plain(json!({ "type": "string" }))
}
