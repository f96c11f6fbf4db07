//! Deserializers for fields that nothing in this app decides on, or whose shape ComfyUI
//! varies by code path: an odd shape there must never cost the whole message, because
//! the message also carries what the person is shown (the failing node, its error).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null` reads as the type's default, like a missing field (`executed.output` is `null`
/// when a cached node had no UI output: execution.py 0.3.64 ~404-406).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + DeserializeOwned,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A map as it is; a list keyed by position (dependency-cycle and "Execution Blocked"
/// errors send `current_inputs: []`: comfy_execution/graph.py ~220-228, execution.py
/// ~486); anything else as no entries.
pub(crate) fn map_or_list<'de, D>(deserializer: D) -> Result<BTreeMap<String, Value>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Object(map) => map.into_iter().collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| (index.to_string(), item))
            .collect(),
        _ => BTreeMap::new(),
    })
}

/// Node ids from a list (what 0.3.64 sends, trace b: `["2", "3", "1"]`), or from a map's
/// keys (older servers and stand-ins sent `{}`); numbers become their text.
pub(crate) fn id_list<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let text = |value: Value| match value {
        Value::String(text) => Some(text),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items.into_iter().filter_map(text).collect(),
        Value::Object(map) => map.into_iter().map(|(key, _)| key).collect(),
        _ => Vec::new(),
    })
}

/// A list as it is, `null` as none, any other single value as a list of one: `text` is
/// a list of strings for PreviewAny and ShowText, but some custom nodes send a bare string.
pub(crate) fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<Value>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    })
}
