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
        .map(|c| c.to_ascii_lowercase())
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
        Value::String(text) => decimal(text.trim().trim_end_matches(['s', ' '])),
        _ => None,
    };
    number.filter(|n: &f64| n.is_finite())
}

/// A number written as text (`4`, `4.5`, `.5`, `+4`, `1e1`), read by serde_json's number
/// parser, the one JSON numbers go through. `str::parse::<f64>` takes the same spellings
/// but would bring core's float parser and its 10 KB table into the app bundle.
fn decimal(text: &str) -> Option<f64> {
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = unsigned.split_at(unsigned.find(['e', 'E']).unwrap_or(unsigned.len()));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // JSON spells the same number without a plus sign, leading zeros or a bare point.
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    let sign = if negative { "-" } else { "" };
    let point = if fraction.is_empty() { "" } else { "." };
    serde_json::from_str(&format!("{sign}{whole}{point}{fraction}{exponent}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_numbers_read_as_rust_reads_them() {
        let spellings = [
            "4",
            "4.5",
            "12",
            ".5",
            "5.",
            "+4",
            "-2.25",
            "007",
            "0",
            "-0",
            "1e1",
            "2.5E-1",
            "1e+2",
            "0.1",
            "3.3333",
            "123456.789",
            "1e-400",
            "",
            ".",
            "+",
            "-",
            "e5",
            "1e",
            "1.2.3",
            "+-1",
            "4 s",
            "four",
            "inf",
            "NaN",
            "0x10",
            "1_0",
            "1e400",
        ];
        for text in spellings {
            let expected = text.parse::<f64>().ok().filter(|n| n.is_finite());
            let read = decimal(text).filter(|n| n.is_finite());
            assert_eq!(read.map(f64::to_bits), expected.map(f64::to_bits), "{text:?}");
        }
    }
}
