//! What can go wrong talking to ComfyUI, one variant per thing a person can act on.

use shotline_protocol::http::PromptRejected;

/// Each message says what happened; the view adds the control that fixes it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComfyError {
    #[error("No ComfyUI answers at {url}. Start ComfyUI, or check the address and port.")]
    Unreachable { url: String },
    #[error(
        "ComfyUI at {url} is running but refused this page ({page_origin}) with its origin check. \
         Restart it with: {command}"
    )]
    OriginRejected {
        url: String,
        page_origin: String,
        command: String,
    },
    #[error(
        "{url} failed with an error this page is not allowed to read (ComfyUI's error answers \
         carry no CORS headers). ComfyUI's console shows what went wrong; Shotline asks again."
    )]
    UnreadableFailure { url: String },
    #[error("ComfyUI rejected the workflow: {}", validation_summary(.0))]
    Validation(Box<PromptRejected>),
    #[error("{url} answered HTTP {status}{}", body_suffix(.body))]
    Http { url: String, status: u16, body: String },
    #[error("{url} answered, but not with ComfyUI's JSON ({reason}). Is this address a ComfyUI server?")]
    Decode { url: String, reason: String },
    #[error("the download of {url} broke off before the whole file arrived")]
    Cut { url: String },
    #[error("the browser could not prepare the request: {0}")]
    Request(String),
}

impl ComfyError {
    /// Worth asking again: the server may come back or the proxy may recover.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } | Self::UnreadableFailure { .. } | Self::Cut { .. } => true,
            Self::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }
}

fn body_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", body.trim())
    }
}

/// "Node 4 (KSampler): value_smaller_than_min steps …" for the first few nodes.
fn validation_summary(rejected: &PromptRejected) -> String {
    const NODES_SHOWN: usize = 3;
    let mut parts: Vec<String> = rejected
        .node_errors
        .iter()
        .take(NODES_SHOWN)
        .map(|(node, error)| {
            let detail = error
                .errors
                .first()
                .map(|e| {
                    if e.details.is_empty() {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.message, e.details)
                    }
                })
                .unwrap_or_default();
            format!("node {node} ({}) {detail}", error.class_type)
        })
        .collect();
    if parts.is_empty() {
        parts.push(if rejected.error.details.is_empty() {
            rejected.error.message.clone()
        } else {
            format!("{}: {}", rejected.error.message, rejected.error.details)
        });
    }
    parts.join("; ")
}
