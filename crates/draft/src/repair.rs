//! Finding the JSON in what a model wrote and mending what small models and cut streams
//! commonly break: prose or markdown fences around it, `<think>` blocks, trailing commas,
//! and an end that stops inside a string or with brackets still open.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use serde_json::Value;

use crate::error::DraftError;
use crate::limits::MAX_OUTPUT_BYTES;

/// How many places to cut a truncated answer back to before giving up; each try parses
/// the text again, and the useful cut is almost always one of the last few.
const MAX_CUT_TRIES: usize = 64;

/// Something changed in the model's output to read it, so the preview can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    SkippedProse,
    RemovedTrailingCommas,
    ClosedString,
    ClosedBrackets(usize),
    DroppedIncompleteEnd,
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repair::SkippedProse => f.write_str("Text around the JSON was left out."),
            Repair::RemovedTrailingCommas => f.write_str("Commas before closing brackets were removed."),
            Repair::ClosedString => f.write_str("The last text was cut off and has been closed as it was."),
            Repair::ClosedBrackets(count) => write!(f, "{count} unclosed brackets at the end were closed."),
            Repair::DroppedIncompleteEnd => f.write_str("An incomplete last part was left out."),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Extracted {
    pub value: Value,
    pub repairs: Vec<Repair>,
}

/// The first JSON object or array in `text` that can be read, mended if need be.
pub(crate) fn extract_json(text: &str) -> Result<Extracted, DraftError> {
    if text.len() > MAX_OUTPUT_BYTES {
        return Err(DraftError::TooLarge);
    }
    let visible = without_thinking(text);
    let trimmed = visible.trim();
    if trimmed.is_empty() {
        return Err(DraftError::OnlyReasoning);
    }
    if let Ok(value @ (Value::Object(_) | Value::Array(_))) = serde_json::from_str(trimmed) {
        return Ok(Extracted {
            value,
            repairs: Vec::new(),
        });
    }
    let mut first_error = None;
    let mut from = 0;
    while let Some(offset) = visible[from..].find(['{', '[']) {
        let start = from + offset;
        let scan = scan(&visible[start..]);
        let Some(length) = scan.balanced_length else {
            return close_truncated(&visible[start..], &scan)
                .map(|mut extracted| {
                    note_prose(&mut extracted, &visible[..start]);
                    extracted
                })
                .ok_or(DraftError::StreamCut);
        };
        let end = start + length;
        match parse_lenient(&visible[start..end]) {
            Ok(mut extracted) => {
                note_prose(&mut extracted, &[&visible[..start], &visible[end..]].concat());
                return Ok(extracted);
            }
            // Prose like "{title}" is balanced but not JSON: skip all of it, so the
            // objects inside a broken answer are not mistaken for the answer.
            Err(error) => first_error.get_or_insert(error),
        };
        from = end;
    }
    Err(
        first_error.map_or(DraftError::NoJson, |error| DraftError::InvalidJson {
            detail: error.to_string(),
        }),
    )
}

/// Reasoning models served without a reasoning parser put their thinking in the answer.
fn without_thinking(text: &str) -> String {
    const OPEN: &str = "<think>";
    const CLOSE: &str = "</think>";
    let mut rest = text;
    // Chat templates that open the block themselves leave only its end in the output.
    if let Some(close) = rest.find(CLOSE)
        && !rest[..close].contains(OPEN)
    {
        rest = &rest[close + CLOSE.len()..];
    }
    let mut visible = String::with_capacity(rest.len());
    while let Some(open) = rest.find(OPEN) {
        visible.push_str(&rest[..open]);
        match rest[open..].find(CLOSE) {
            Some(close) => rest = &rest[open + close + CLOSE.len()..],
            None => return visible,
        }
    }
    visible.push_str(rest);
    visible
}

fn note_prose(extracted: &mut Extracted, outside: &str) {
    let prose = outside.replace("```json", "").replace("```", "");
    if !prose.trim().is_empty() {
        extracted.repairs.insert(0, Repair::SkippedProse);
    }
}

fn parse_lenient(text: &str) -> Result<Extracted, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(Extracted {
            value,
            repairs: Vec::new(),
        }),
        Err(error) => {
            let (mended, changed) = without_trailing_commas(text);
            match serde_json::from_str(&mended) {
                Ok(value) if changed => Ok(Extracted {
                    value,
                    repairs: vec![Repair::RemovedTrailingCommas],
                }),
                _ => Err(error),
            }
        }
    }
}

fn without_trailing_commas(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == ',' && text[index + 1..].trim_start().starts_with(['}', ']']) {
            changed = true;
            continue;
        }
        out.push(c);
    }
    (out, changed)
}

/// Where a scan of text starting at a bracket stopped.
#[derive(Debug, Default)]
struct Scan {
    /// Bytes up to and including the bracket that closes the first one.
    balanced_length: Option<usize>,
    /// Brackets still open at the end (`{` or `[`), outermost first.
    open: Vec<u8>,
    /// The text ends inside a string, which is a key or a value.
    open_string: Option<Quoted>,
    /// The last places where the text can be cut and closed: before a comma or right
    /// after an opening bracket, with the brackets open there.
    cuts: VecDeque<(usize, Vec<u8>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoted {
    Key,
    Value,
}

fn scan(text: &str) -> Scan {
    let mut scan = Scan::default();
    let mut expect_key = false;
    let mut escaped = false;
    for (index, byte) in text.bytes().enumerate() {
        if scan.open_string.is_some() {
            if byte == b'"' && !escaped {
                scan.open_string = None;
            }
            escaped = byte == b'\\' && !escaped;
            continue;
        }
        match byte {
            b'"' => scan.open_string = Some(if expect_key { Quoted::Key } else { Quoted::Value }),
            b'{' | b'[' => {
                scan.open.push(byte);
                expect_key = byte == b'{';
                remember_cut(&mut scan, index + 1);
            }
            b'}' | b']' => {
                scan.open.pop();
                if scan.open.is_empty() {
                    scan.balanced_length = Some(index + 1);
                    return scan;
                }
            }
            b',' => {
                remember_cut(&mut scan, index);
                expect_key = scan.open.last() == Some(&b'{');
            }
            b':' => expect_key = false,
            _ => {}
        }
    }
    scan
}

fn remember_cut(scan: &mut Scan, at: usize) {
    if scan.cuts.len() == MAX_CUT_TRIES {
        scan.cuts.pop_front();
    }
    scan.cuts.push_back((at, scan.open.clone()));
}

/// Closes a text that stops before its first bracket is closed: keeps a cut-off string
/// value as it is, else drops the incomplete last element.
fn close_truncated(text: &str, scan: &Scan) -> Option<Extracted> {
    let mut tries: Vec<(Cow<str>, &[u8], Repair)> = Vec::new();
    match scan.open_string {
        Some(Quoted::Value) => tries.push((
            Cow::Owned(format!("{}\"", without_broken_escape(text))),
            &scan.open,
            Repair::ClosedString,
        )),
        // A cut-off key has no value to keep: only the cuts before it can work.
        Some(Quoted::Key) => {}
        None => tries.push((
            Cow::Borrowed(text),
            &scan.open,
            Repair::ClosedBrackets(scan.open.len()),
        )),
    }
    for (cut, open) in scan.cuts.iter().rev() {
        tries.push((Cow::Borrowed(&text[..*cut]), open, Repair::DroppedIncompleteEnd));
    }
    tries.into_iter().find_map(|(head, open, repair)| {
        let head = head.trim_end().trim_end_matches(',');
        let closers: String = open
            .iter()
            .rev()
            .map(|bracket| if *bracket == b'{' { '}' } else { ']' })
            .collect();
        let mut extracted = parse_lenient(&format!("{head}{closers}")).ok()?;
        let closed = Repair::ClosedBrackets(open.len());
        let mut repairs = if repair == closed {
            vec![closed]
        } else {
            vec![repair, closed]
        };
        repairs.append(&mut extracted.repairs);
        extracted.repairs = repairs;
        Some(extracted)
    })
}

/// A string cut right after a backslash or inside `\u12` cannot be closed as it is.
fn without_broken_escape(text: &str) -> &str {
    let trailing_backslashes = text.bytes().rev().take_while(|byte| *byte == b'\\').count();
    if trailing_backslashes % 2 == 1 {
        return &text[..text.len() - 1];
    }
    if let Some(at) = text.rfind("\\u")
        && text.len() - at < 6
        && text[at + 2..].bytes().all(|byte| byte.is_ascii_hexdigit())
    {
        return &text[..at];
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(text: &str) -> Extracted {
        extract_json(text).expect("the JSON should be readable")
    }

    #[test]
    fn a_value_cut_inside_a_string_is_closed_and_kept() {
        let extracted = read(r#"{"title": "Tide", "scenes": [{"title": "Dawn", "summary": "The keeper wak"#);
        assert_eq!(
            extracted.value,
            json!({"title": "Tide", "scenes": [{"title": "Dawn", "summary": "The keeper wak"}]})
        );
        assert_eq!(
            extracted.repairs,
            [Repair::ClosedString, Repair::ClosedBrackets(3)]
        );
    }

    #[test]
    fn a_dangling_key_is_dropped_with_its_comma() {
        let extracted = read(r#"{"title": "Tide", "scenes": [{"title": "Dawn"}], "no"#);
        assert_eq!(
            extracted.value,
            json!({"title": "Tide", "scenes": [{"title": "Dawn"}]})
        );
        assert!(extracted.repairs.contains(&Repair::DroppedIncompleteEnd));
    }

    #[test]
    fn a_key_without_its_value_is_dropped() {
        let extracted = read(r#"{"title": "Tide", "count": "#);
        assert_eq!(extracted.value, json!({"title": "Tide"}));
    }

    #[test]
    fn a_half_written_escape_is_left_out_before_closing() {
        assert_eq!(read(r#"["a\"#).value, json!(["a"]));
        assert_eq!(read(r#"["caf\u00"#).value, json!(["caf"]));
    }

    #[test]
    fn commas_inside_strings_are_left_alone() {
        let (mended, changed) = without_trailing_commas(r#"{"a": "x, }", "b": [1, 2,],}"#);
        assert_eq!(mended, r#"{"a": "x, }", "b": [1, 2]}"#);
        assert!(changed);
    }

    #[test]
    fn thinking_blocks_are_not_mistaken_for_the_answer() {
        let text = "<think>Maybe {\"title\": \"wrong\"}</think>{\"title\": \"right\"}";
        assert_eq!(read(text).value, json!({"title": "right"}));
        assert_eq!(read("plan {x}</think>\n{\"a\": 1}").value, json!({"a": 1}));
    }
}
