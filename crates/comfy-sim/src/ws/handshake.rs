//! The checks aiohttp's `WebSocketResponse._handshake` makes, in its order, with the texts of
//! the `HTTPBadRequest`s it raises from `ws.prepare()` (aiohttp 3.14.5, the traces' version).
//! They are raised, so they carry no CORS headers (see `aiohttp`).
//!
//! What passes here but axum still refuses (a `Sec-WebSocket-Version` of 7 or 8, which
//! aiohttp accepts; a HEAD with a full handshake) keeps axum's answer, also without CORS.

use axum::http::HeaderMap;
use axum::http::header::{CONNECTION, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE};

/// The versions `_handshake` accepts.
const ACCEPTED_VERSIONS: [&str; 3] = ["13", "8", "7"];
/// A key must decode to 16 bytes: 22 base64 characters and `==`.
const KEY_BASE64_CHARS: usize = 24;

/// The text of the 400 aiohttp answers, or `None` for a handshake it accepts.
pub fn refusal(headers: &HeaderMap) -> Option<String> {
    let header = |name| {
        headers
            .get(name)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
    };
    let upgrade = header(UPGRADE);
    if upgrade.as_deref().map(|value| value.trim().to_ascii_lowercase()) != Some("websocket".to_owned()) {
        return Some(format!(
            "No WebSocket UPGRADE hdr: {}\n Can \"Upgrade\" only to \"WebSocket\".",
            python_str(upgrade.as_deref())
        ));
    }
    let connection = header(CONNECTION);
    // The HTTP parser's upgrade flag: an `upgrade` token in `Connection`.
    let upgrading = connection.as_deref().is_some_and(|value| {
        value
            .split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !upgrading {
        return Some(format!(
            "No CONNECTION upgrade hdr: {}",
            python_str(connection.as_deref())
        ));
    }
    let version = header(SEC_WEBSOCKET_VERSION).unwrap_or_default();
    if !ACCEPTED_VERSIONS.contains(&version.as_str()) {
        return Some(format!("Unsupported version: {version}"));
    }
    let key = header(SEC_WEBSOCKET_KEY);
    if !key.as_deref().is_some_and(is_sixteen_byte_key) {
        return Some(format!("Handshake error: {}", python_repr(key.as_deref())));
    }
    None
}

/// `base64.b64decode` skips characters outside the alphabet before decoding.
fn is_sixteen_byte_key(key: &str) -> bool {
    let kept: Vec<char> = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    kept.len() == KEY_BASE64_CHARS
        && kept[..KEY_BASE64_CHARS - 2].iter().all(|&c| c != '=')
        && kept[KEY_BASE64_CHARS - 2..] == ['=', '=']
}

/// A header as an f-string shows it: the text, or `None` when absent.
fn python_str(value: Option<&str>) -> String {
    value.unwrap_or("None").to_owned()
}

/// A header as `{key!r}` shows it: quoted like Python's `repr`, or `None`.
fn python_repr(value: Option<&str>) -> String {
    let Some(value) = value else {
        return "None".to_owned();
    };
    let quote = if value.contains('\'') && !value.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut shown = String::from(quote);
    for c in value.chars() {
        match c {
            '\\' => shown.push_str("\\\\"),
            c if c == quote => {
                shown.push('\\');
                shown.push(c);
            }
            c => shown.push(c),
        }
    }
    shown.push(quote);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (name.parse().expect("name"), value.parse().expect("value")))
            .collect()
    }

    const FULL: [(&str, &str); 4] = [
        ("upgrade", "websocket"),
        ("connection", "keep-alive, Upgrade"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn answers_aiohttps_texts_in_its_order() {
        let cases: [(&[(&str, &str)], &str); 5] = [
            (
                &[],
                "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".",
            ),
            (&[("upgrade", "websocket")], "No CONNECTION upgrade hdr: None"),
            (&FULL[..2], "Unsupported version: "),
            (
                &[FULL[0], FULL[1], ("sec-websocket-version", "12")],
                "Unsupported version: 12",
            ),
            (
                &[FULL[0], FULL[1], FULL[2], ("sec-websocket-key", "abc")],
                "Handshake error: 'abc'",
            ),
        ];
        for (given, expected) in cases {
            assert_eq!(refusal(&headers(given)).as_deref(), Some(expected));
        }
        assert_eq!(
            refusal(&headers(&FULL[..3])).as_deref(),
            Some("Handshake error: None")
        );
        assert_eq!(refusal(&headers(&FULL)), None);
    }
}
