//! What the user types as a ComfyUI address, made into a base URL the client can use.
//!
//! An empty address means "the same origin as this page": under `trunk serve` (or any
//! reverse proxy) `/api` and `/ws` on the page's own origin reach ComfyUI, which is the
//! only setup that needs no `--enable-cors-header`.

use std::fmt;

/// A ComfyUI address: either the page's own origin or `scheme://host[:port][/prefix]`
/// without a trailing slash and without ComfyUI's `/api` suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct ServerUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    #[error("\"{0}\" is not an http:// or https:// address")]
    UnsupportedScheme(String),
    #[error("\"{0}\" has no host name")]
    MissingHost(String),
    #[error("\"{0}\" contains spaces or characters an address cannot hold")]
    InvalidCharacters(String),
}

impl ServerUrl {
    /// The page's own origin (`/api` through the dev server's proxy).
    pub fn same_origin() -> Self {
        Self(String::new())
    }

    /// Reads what a user typed: `127.0.0.1:8188`, `http://host:8188/`, `https://x/api`.
    /// A missing scheme means `http://`, the usual way ComfyUI is run on a desk.
    pub fn parse(input: &str) -> Result<Self, ServerUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(Self::same_origin());
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'`{}|\\^".contains(c))
        {
            return Err(ServerUrlError::InvalidCharacters(trimmed.to_owned()));
        }
        let with_scheme = match trimmed.split_once("://") {
            Some((scheme, _))
                if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
            {
                trimmed.to_owned()
            }
            Some(_) => return Err(ServerUrlError::UnsupportedScheme(trimmed.to_owned())),
            None => format!("http://{trimmed}"),
        };
        let (scheme, rest) = with_scheme.split_once("://").unwrap_or(("http", &with_scheme));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        if host.is_empty() || host.starts_with(':') {
            return Err(ServerUrlError::MissingHost(trimmed.to_owned()));
        }
        let path = rest[authority.len()..]
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix("/api").unwrap_or(path);
        Ok(Self(format!(
            "{}://{}{}",
            scheme.to_ascii_lowercase(),
            authority,
            path
        )))
    }

    pub fn is_same_origin(&self) -> bool {
        self.0.is_empty()
    }

    /// `"/api/system_stats"` on the same origin, `"http://h:8188/api/system_stats"` otherwise.
    /// `route` starts with a slash.
    pub fn api(&self, route: &str) -> String {
        format!("{}/api{route}", self.0)
    }

    /// The socket address. Relative addresses are not allowed for WebSockets, so the
    /// page's origin (`http://127.0.0.1:8080`) is needed for the same-origin case.
    pub fn websocket(&self, page_origin: &str, client_id: &str) -> String {
        let base = if self.is_same_origin() {
            page_origin
        } else {
            &self.0
        };
        let base = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_owned()
        };
        format!("{base}/ws?clientId={}", encode_query_value(client_id))
    }

    /// What to show the user: the address, or a phrase for the same-origin case.
    pub fn display(&self) -> &str {
        if self.is_same_origin() {
            "this page's server (/api proxy)"
        } else {
            &self.0
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display())
    }
}

/// The command that makes ComfyUI accept requests from `page_origin` (its origin check
/// rejects any other host:port with a bare 403).
pub fn cors_command(page_origin: &str) -> String {
    format!("python main.py --enable-cors-header {page_origin}")
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are), so
/// file names with spaces, `#`, `&` or non-ASCII survive the trip to ComfyUI.
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_means_the_page_origin() {
        let url = ServerUrl::parse("   ").unwrap();
        assert!(url.is_same_origin());
        assert_eq!(url.api("/system_stats"), "/api/system_stats");
        assert_eq!(
            url.websocket("http://127.0.0.1:8080", "c1"),
            "ws://127.0.0.1:8080/ws?clientId=c1"
        );
    }

    #[test]
    fn host_and_port_without_scheme_become_http() {
        let url = ServerUrl::parse("127.0.0.1:8188").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8188");
        assert_eq!(url.api("/queue"), "http://127.0.0.1:8188/api/queue");
    }

    #[test]
    fn trailing_slash_and_api_suffix_are_dropped() {
        assert_eq!(
            ServerUrl::parse("http://h:8188/").unwrap().as_str(),
            "http://h:8188"
        );
        assert_eq!(
            ServerUrl::parse("https://gpu.example/comfy/api/")
                .unwrap()
                .as_str(),
            "https://gpu.example/comfy"
        );
    }

    #[test]
    fn https_servers_get_a_secure_socket() {
        let url = ServerUrl::parse("HTTPS://gpu.example:443/comfy").unwrap();
        assert_eq!(
            url.websocket("http://ignored", "a b"),
            "wss://gpu.example:443/comfy/ws?clientId=a%20b"
        );
    }

    #[test]
    fn other_schemes_spaces_and_missing_hosts_are_refused_with_a_reason() {
        assert_eq!(
            ServerUrl::parse("ftp://h").unwrap_err(),
            ServerUrlError::UnsupportedScheme("ftp://h".into())
        );
        assert!(matches!(
            ServerUrl::parse("http://"),
            Err(ServerUrlError::MissingHost(_))
        ));
        assert!(matches!(
            ServerUrl::parse(":8188"),
            Err(ServerUrlError::MissingHost(_))
        ));
        assert!(matches!(
            ServerUrl::parse("http://a b"),
            Err(ServerUrlError::InvalidCharacters(_))
        ));
        assert!(matches!(
            ServerUrl::parse("http://x/<script>"),
            Err(ServerUrlError::InvalidCharacters(_))
        ));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("a b#c&d/é.png"), "a%20b%23c%26d%2F%C3%A9.png");
        assert_eq!(encode_query_value("plain-name_1.png"), "plain-name_1.png");
    }

    #[test]
    fn cors_command_names_the_page_origin() {
        assert_eq!(
            cors_command("http://localhost:8080"),
            "python main.py --enable-cors-header http://localhost:8080"
        );
    }
}
