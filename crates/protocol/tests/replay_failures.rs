//! Failed, refused and interrupted runs replayed from the recordings end in a definite
//! state that names what went wrong.

mod support;

use shotline_protocol::job::FailureKind;
use shotline_protocol::{Effect, JobState};
use support::replay::Replay;
use support::{done_filenames, failure, trace};

#[test]
fn node_that_raises_fails_the_job_naming_node_class_and_message() {
    let id = "10d58ab6-391d-4813-8059-a7a0fb7bde69";
    let replay = Replay::run(&trace("b_execution_error.json"));
    assert_eq!(
        failure(replay.state(id)),
        (
            Some("2"),
            Some("FailAlways"),
            "intentional failure for tracing",
            FailureKind::Execution
        )
    );
    // The socket's execution_error only asked history; history made it Failed.
    let states = replay.states_of(id);
    assert!(
        matches!(states[states.len() - 2], JobState::Running(_)),
        "{states:?}"
    );
    assert_eq!(replay.effects_of(id), [Effect::FetchHistory]);
}

#[test]
fn unknown_class_fails_validation_naming_node_and_class_from_the_old_invalid_prompt_text() {
    let replay = Replay::run(&trace("c_validation_error.json"));
    let (node, class, message, kind) = failure(replay.state("735cb75e-fbf0-429b-a282-57594bd7f6f0"));
    assert_eq!(
        (node, class, kind),
        (Some("1"), Some("DoesNotExistNode"), FailureKind::Validation)
    );
    assert_eq!(
        message,
        "Cannot execute because node DoesNotExistNode does not exist."
    );
}

#[test]
fn each_rejected_input_fails_validation_naming_the_node_and_what_is_wrong() {
    let replay = Replay::run(&trace("c_validation_error.json"));
    let cases = [
        (
            "99836cd2-25b0-4bc0-adfb-e17bb649fb2e",
            None,
            None,
            "Prompt has no outputs",
        ),
        (
            "e3e946de-bc9a-4180-896b-53fc4c8ddddc",
            Some("1"),
            Some("EmptyImage"),
            "Failed to convert an input value to a INT value: width, abc, invalid literal for int() with base 10: 'abc'",
        ),
        (
            "bddd2569-4790-4694-9071-515da58a79c7",
            Some("1"),
            Some("EmptyImage"),
            "Value -5 smaller than min of 1: width",
        ),
        (
            "ebb40306-946a-4265-a1d5-1eafe0ece468",
            Some("1"),
            Some("EmptyImage"),
            "Required input is missing: height",
        ),
        (
            "9038d743-f01c-4531-8b88-053803c093fb",
            Some("2"),
            Some("SaveImage"),
            "Exception when validating node: '99'",
        ),
        (
            "ce0b6065-d416-4592-974a-037c0fd9b9cc",
            Some("1"),
            Some("LoadImage"),
            "Custom validation failed for node: image - Invalid image file: no_such_file.png",
        ),
    ];
    for (id, node, class, message) in cases {
        assert_eq!(
            failure(replay.state(id)),
            (node, class, message, FailureKind::Validation),
            "{id}"
        );
    }
}

#[test]
fn interrupt_requested_by_this_app_ends_cancelled_once_history_confirms_it() {
    let id = "33397d2b-2b95-4493-950b-f07a8bbcfadd";
    let replay = Replay::run(&trace("e_interrupt.json"));
    assert_eq!(replay.state(id), &JobState::Cancelled);
    assert_eq!(replay.effects_of(id), [Effect::Interrupt, Effect::FetchHistory]);
    let states = replay.states_of(id);
    assert!(
        matches!(states[states.len() - 2], JobState::Running(_)),
        "Cancelled only after history, not on the socket's word: {states:?}"
    );
}

#[test]
fn interrupt_from_elsewhere_fails_the_job_as_interrupted_at_its_node() {
    let replay = Replay::run(&trace("e_interrupt.json"));
    assert_eq!(
        failure(replay.state("3dbb0fb3-9ae2-4556-8c72-bc8b36b01125")),
        (
            Some("2"),
            Some("SlowCounter"),
            "interrupted",
            FailureKind::Interrupted
        )
    );
}

#[test]
fn prompt_pending_behind_an_interrupted_one_still_runs_to_done() {
    let mut replay = Replay::run(&trace("e_interrupt.json"));
    replay.fetch_all_outputs();
    assert_eq!(
        done_filenames(replay.state("a044429f-a845-4137-ba6d-012f9288084c")),
        ["trace_e_00002_.png"]
    );
}

#[test]
fn non_json_submit_answered_with_a_plain_text_500_fails_as_refused_quoting_the_server() {
    // Trace c, request 8: the body was not JSON; the 500 answer is text/plain.
    let trace = trace("c_validation_error.json");
    let answer = support::responses(&trace, "POST", "/prompt")
        .into_iter()
        .find(|e| e["status"] == 500)
        .expect("trace c records a 500");
    let text = answer["text"].as_str().unwrap();
    let mut job = support::jobs::job();
    shotline_protocol::apply(
        &mut job,
        shotline_protocol::JobEvent::SubmitFailed {
            status: 500,
            body: text,
        },
        0,
    );
    let (node, class, message, kind) = failure(job.state());
    assert_eq!((node, class), (None, None));
    assert_eq!(kind, FailureKind::SubmitRefused { status: 500 });
    assert_eq!(
        message,
        "500 Internal Server Error\n\nServer got itself in trouble"
    );
}
