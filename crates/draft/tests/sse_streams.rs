//! Streamed answers from LM Studio, Ollama and llama.cpp's server, fed in odd pieces.

mod support;

use proptest::prelude::*;
use shotline_draft::{CompletionStream, DraftError, SseParser, StreamEnd, StreamEvent};
use support::{collect, collect_in_pieces, fixture};

/// The text the LM Studio stream spells out, token by token.
fn lmstudio_text() -> String {
    let draft: serde_json::Value =
        serde_json::from_slice(&fixture("lmstudio_3x4.json")).expect("the fixture is JSON");
    serde_json::to_string(&draft).expect("a value serialises")
}

#[test]
fn an_lm_studio_stream_gives_the_whole_answer_whatever_the_piece_sizes() {
    let body = fixture("lmstudio_3x4.sse");
    let whole = collect(&body).expect("the stream is readable");
    assert_eq!(whole.end, StreamEnd::Finished);
    let reread: serde_json::Value = serde_json::from_str(&whole.text).expect("the answer is JSON");
    assert_eq!(reread.to_string(), lmstudio_text());
    for sizes in [&[1][..], &[7], &[3, 250, 1, 64], &[4096]] {
        assert_eq!(
            collect_in_pieces(&body, sizes),
            Ok(whole.clone()),
            "pieces of {sizes:?}"
        );
    }
}

#[test]
fn a_character_split_between_two_pieces_is_joined_again() {
    let body = fixture("lmstudio_3x4.sse");
    let accent = body
        .windows(2)
        .position(|pair| pair == "É".as_bytes())
        .expect("the fixture has an É");
    let (first, second) = body.split_at(accent + 1);
    let mut stream = CompletionStream::new();
    assert!(stream.push(first).is_ok());
    assert!(stream.push(second).is_ok());
    let completion = stream.finish().expect("the stream is readable");
    assert!(completion.text.contains("É.M."));
    assert!(!completion.text.contains('\u{FFFD}'));
}

#[test]
fn ollama_reasoning_is_kept_apart_from_the_answer() {
    let completion = collect_in_pieces(&fixture("ollama_reasoning_fenced.sse"), &[13]).expect("readable");
    assert!(
        completion
            .reasoning
            .starts_with("Okay, the user wants two scenes")
    );
    assert!(completion.text.starts_with("Here is your storyboard:"));
    assert!(!completion.text.contains("Okay, the user"));
    assert_eq!(completion.end, StreamEnd::Finished);
}

#[test]
fn llama_cpp_crlf_lines_and_keep_alive_comments_are_read() {
    let completion =
        collect_in_pieces(&fixture("llamacpp_crlf_trailing_commas.sse"), &[5, 2]).expect("readable");
    assert_eq!(completion.reasoning, "Plan: two scenes.");
    assert!(completion.text.starts_with('{') && completion.text.trim_end().ends_with('}'));
    assert!(!completion.text.contains('\r'));
    assert_eq!(completion.end, StreamEnd::Finished);
}

#[test]
fn a_stream_that_stops_without_an_end_marker_is_reported_as_truncated() {
    let completion = collect_in_pieces(&fixture("lmstudio_truncated.sse"), &[31]).expect("readable");
    assert_eq!(completion.end, StreamEnd::Truncated);
    assert!(completion.text.ends_with("Mara "));
}

#[test]
fn an_error_object_in_the_stream_stops_it_with_the_servers_message() {
    let body = fixture("error_mid_stream.sse");
    let mut stream = CompletionStream::new();
    let outcome = body.chunks(50).try_for_each(|piece| stream.push(piece));
    let expected = DraftError::Server {
        message: "Context size has been exceeded".to_owned(),
    };
    assert_eq!(outcome, Err(expected.clone()));
    assert!(
        stream.text().starts_with("{\"title\""),
        "the text so far stays visible"
    );
    assert_eq!(stream.finish(), Err(expected.clone()));
    assert_eq!(
        expected.to_string(),
        "The LLM server reported an error while writing: Context size has been exceeded. Check its log, \
         then try again."
    );
}

#[test]
fn a_server_that_ignores_stream_true_is_read_from_its_json_body() {
    let completion = collect_in_pieces(&fixture("not_streamed.json"), &[100]).expect("readable");
    assert!(completion.text.starts_with("{\"title\": \"Night Shift\""));
    assert_eq!(completion.end, StreamEnd::Finished);
}

#[test]
fn an_error_body_instead_of_a_stream_is_reported() {
    let body = br#"{"error":{"message":"model 'llama9' not found","type":"not_found_error"}}"#;
    assert_eq!(
        collect(body),
        Err(DraftError::Server {
            message: "model 'llama9' not found".to_owned()
        })
    );
}

#[test]
fn a_finish_reason_of_length_means_the_token_limit_cut_the_answer() {
    let body = "data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"ti\"}}]}\n\n\
                data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n";
    assert_eq!(
        collect(body.as_bytes()).map(|c| c.end),
        Ok(StreamEnd::CutByLength)
    );
}

#[test]
fn events_without_blank_lines_between_them_are_still_separate() {
    let mut parser = SseParser::new();
    let mut events = parser.push(
        b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\
          data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\
          data: [DONE]\n",
    );
    events.extend(parser.end());
    assert_eq!(
        events,
        [
            StreamEvent::Content("a".to_owned()),
            StreamEvent::Content("b".to_owned()),
            StreamEvent::Done
        ]
    );
}

#[test]
fn lone_carriage_returns_end_lines_and_an_error_event_is_recognised() {
    let mut parser = SseParser::new();
    let events = parser.push(b": ping\rretry: 500\revent: error\rdata: {\"message\":\"overloaded\"}\r\r");
    assert_eq!(events, [StreamEvent::Error("overloaded".to_owned())]);
}

#[test]
fn a_megabyte_of_answer_stops_the_stream() {
    let token = "data: {\"choices\":[{\"delta\":{\"content\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}]}\n\n";
    let mut stream = CompletionStream::new();
    let outcome = std::iter::repeat_n(token.as_bytes(), 20_000).try_for_each(|piece| stream.push(piece));
    assert_eq!(outcome, Err(DraftError::TooLarge));
    assert!(stream.text().len() <= 1_000_064);
}

#[test]
fn a_line_that_never_ends_stops_the_stream() {
    let mut stream = CompletionStream::new();
    let outcome = std::iter::once(&b"data: {\"choices\":"[..])
        .chain(std::iter::repeat_n(&[b'x'; 4096][..], 600))
        .try_for_each(|piece| stream.push(piece));
    assert_eq!(outcome, Err(DraftError::TooLarge));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn splitting_a_stream_anywhere_gives_the_same_completion(cuts in prop::collection::vec(0usize..80_000, 0..40)) {
        let body = fixture("lmstudio_3x4.sse");
        let whole = collect(&body);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(body.len())).collect();
        cuts.sort_unstable();
        let mut stream = CompletionStream::new();
        let mut from = 0;
        for cut in cuts.into_iter().chain([body.len()]) {
            prop_assert!(stream.push(&body[from..cut]).is_ok());
            from = cut;
        }
        prop_assert_eq!(stream.finish(), whole);
    }
}
