//! Reading JSON the way models write it: field names in any case or separator style,
//! answers nested under a wrapper key, numbers as strings, lists where text was asked.

use serde_json::{Map, Value};

/// Where a list of scenes was found: in an object, with the draft's other fields, or bare.
pub(crate) enum Container<'v> {
    Object(&'v Map<String, Value>),
    List(&'v Vec<Value>),
}

/// The object holding one of `keys`, looking through wrappers such as
/// `{"storyboard": {...}}`, or a bare list (of scenes, or of shots).
pub(crate) fn find_container<'v>(value: &'v Value, keys: &[&str]) -> Option<Container<'v>> {
    match value {
        Value::Array(items) => Some(Container::List(items)),
        Value::Object(fields) if field(fields, keys).is_some_and(Value::is_array) => {
            Some(Container::Object(fields))
        }
        Value::Object(fields) if fields.len() == 1 => {
            fields.values().next().and_then(|v| find_container(v, keys))
        }
        _ => None,
    }
}

/// The object holding one of `keys`, through a one-key wrapper (`{"scene": {...}}`), a
/// list around it, or the list a whole draft would have (`{"scenes": [{...}]}`).
pub(crate) fn find_object<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Map<String, Value>> {
    match value {
        Value::Object(fields) if field(fields, keys).is_some() => Some(fields),
        Value::Object(fields) => fields
            .values()
            .filter(|inner| inner.is_object() || inner.is_array())
            .find_map(|inner| find_object(inner, keys)),
        Value::Array(items) => items.first().and_then(|first| find_object(first, keys)),
        _ => None,
    }
}

/// The first of `keys` (spelled lower case without `_`, `-` or spaces) that `fields` has
/// with a value other than null.
pub(crate) fn field<'v>(fields: &'v Map<String, Value>, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().find_map(|key| {
        fields
            .iter()
            .find(|(name, value)| normalise(name) == *key && !value.is_null())
            .map(|(_, value)| value)
    })
}

pub(crate) fn field_text(fields: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    field(fields, keys).and_then(text)
}

pub(crate) fn list<'v>(fields: &'v Map<String, Value>, keys: &[&str]) -> Vec<&'v Value> {
    field(fields, keys)
        .and_then(Value::as_array)
        .map(|items| items.iter().collect())
        .unwrap_or_default()
}

/// `shot_prompt`, `Shot Prompt` and `shotPrompt` are one field.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items.iter().filter_map(text).collect::<Vec<_>>().join(", "),
        _ => return None,
    };
    Some(text).filter(|text| !text.is_empty())
}

pub(crate) fn number(value: &Value) -> Option<f64> {
    let number = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().trim_end_matches(['s', ' ']).parse().ok(),
        _ => None,
    };
    number.filter(|n: &f64| n.is_finite())
}
