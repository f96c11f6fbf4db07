//! Shared by the test files: the recorded-style answers in `fixtures/llm` and a way to
//! feed them in the odd pieces a network delivers.

#![allow(dead_code)] // Each test file uses its own share of these helpers.

use std::path::PathBuf;

use shotline_draft::{Completion, CompletionStream, DraftError, DraftRequest, StreamEnd};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/llm")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Feeds `body` in pieces of the given sizes, cycling through them.
pub fn collect_in_pieces(body: &[u8], sizes: &[usize]) -> Result<Completion, DraftError> {
    let mut stream = CompletionStream::new();
    let mut rest = body;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at((*size).clamp(1, rest.len()));
        stream.push(piece)?;
        rest = tail;
    }
    stream.finish()
}

pub fn collect(body: &[u8]) -> Result<Completion, DraftError> {
    collect_in_pieces(body, &[body.len().max(1)])
}

pub fn finished(text: &str) -> Completion {
    Completion {
        text: text.to_owned(),
        reasoning: String::new(),
        end: StreamEnd::Finished,
    }
}

pub fn request(scenes: usize, shots_per_scene: usize) -> DraftRequest {
    DraftRequest {
        logline:
            "A retired lighthouse keeper discovers a message in a bottle that leads her to a lost island"
                .to_owned(),
        genre_tone: "quiet drama, melancholic".to_owned(),
        scenes,
        shots_per_scene,
        seed: 7,
    }
}
