//! Queue position: rank among pending sorted by (number, prompt_id), whatever order the
//! server lists them in.

mod support;

use shotline_protocol::QueueSnapshot;
use shotline_protocol::job::{QueueLookup, QueuePlace, queue_position};
use support::{responses, trace};

fn snapshot(running: &[(f64, &str)], pending: &[(f64, &str)]) -> QueueSnapshot {
    let items = |items: &[(f64, &str)]| -> Vec<serde_json::Value> {
        items
            .iter()
            .map(|(number, id)| serde_json::json!([number, id]))
            .collect()
    };
    serde_json::from_value(serde_json::json!({
        "queue_running": items(running),
        "queue_pending": items(pending),
    }))
    .unwrap()
}

fn place(position: usize, ahead: usize) -> QueueLookup {
    QueueLookup::Pending(QueuePlace { position, ahead })
}

#[test]
fn queued_prompt_reports_position_among_pending_sorted_by_number_not_list_order() {
    // The one full /queue body of trace d: workflows and extra_data included.
    let trace = trace("d_queue_positions.json");
    let body = responses(&trace, "GET", "/queue")[0]["json"].clone();
    let queue: QueueSnapshot = serde_json::from_value(body).unwrap();
    let listed: Vec<f64> = queue.queue_pending.iter().map(|item| item.number).collect();
    assert_eq!(listed, [-21.0, 16.0, -20.0, 19.0, 17.0, 18.0]);
    assert_eq!(
        queue_position(&queue, "b21ffb72-2b6d-413c-b5e1-64805e61e4f5"),
        place(6, 6)
    );
    assert_eq!(
        queue_position(&queue, "9be49498-8316-49b9-9b5d-e2dc6a4e0fe7"),
        place(3, 3)
    );
    assert_eq!(
        queue_position(&queue, "062995e4-6f4b-4670-af17-5d0e24b45cc9"),
        QueueLookup::Running
    );
    assert_eq!(
        queue.queue_running[0].client_id.as_deref(),
        Some("5a80f1f6d69f4c9c94c0dff26b6af865")
    );
    assert_eq!(queue.queue_running[0].outputs_to_execute, ["3"]);
}

#[test]
fn front_prompts_with_negative_numbers_run_first_and_the_latest_front_first() {
    let queue = snapshot(
        &[(15.0, "run")],
        &[(16.0, "normal"), (-20.0, "front1"), (-21.0, "front2")],
    );
    assert_eq!(queue_position(&queue, "front2"), place(1, 1));
    assert_eq!(queue_position(&queue, "front1"), place(2, 2));
    assert_eq!(queue_position(&queue, "normal"), place(3, 3));
}

#[test]
fn float_numbers_supplied_by_a_client_sort_between_integers() {
    let queue = snapshot(&[], &[(1234.5, "float"), (1235.0, "after"), (1234.0, "before")]);
    assert_eq!(queue_position(&queue, "before"), place(1, 0));
    assert_eq!(queue_position(&queue, "float"), place(2, 1));
    assert_eq!(queue_position(&queue, "after"), place(3, 2));
}

#[test]
fn equal_numbers_are_ordered_by_prompt_id() {
    let queue = snapshot(&[], &[(7.0, "b"), (7.0, "a")]);
    assert_eq!(queue_position(&queue, "a"), place(1, 0));
    assert_eq!(queue_position(&queue, "b"), place(2, 1));
}

#[test]
fn prompt_in_neither_list_is_absent() {
    let queue = snapshot(&[(1.0, "run")], &[(2.0, "wait")]);
    assert_eq!(queue_position(&queue, "gone"), QueueLookup::Absent);
}

#[test]
fn queue_items_shorter_than_number_and_id_are_rejected() {
    let short = serde_json::json!({"queue_running": [[3]], "queue_pending": []});
    assert!(serde_json::from_value::<QueueSnapshot>(short).is_err());
    let idless = serde_json::json!({"queue_running": [], "queue_pending": [["x", "id"]]});
    assert!(serde_json::from_value::<QueueSnapshot>(idless).is_err());
}
