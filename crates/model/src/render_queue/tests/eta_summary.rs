use super::*;

fn p() -> ProfileId {
    ProfileId::new("p")
}

#[test]
fn there_is_no_eta_before_any_take_was_measured() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    assert_eq!(caller.queue.eta_ms(&[server(1, &["p"])], NOW_MS), None);
    assert_eq!(
        RenderQueue::new(project.id.clone()).eta_ms(&[], NOW_MS),
        Some(0.0),
        "nothing left"
    );
}

#[test]
fn the_eta_sums_what_is_left_and_divides_by_the_servers_that_can_run_it() {
    let project = project(&[5]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let one = [server(1, &["p"])];
    let first = caller.pass(&one);
    caller.run_to_done(&first[0].job, 0, 60_000);
    assert_eq!(
        caller.queue.settings().durations.mean_ms(&p(), &url(1)),
        Some(60_000.0)
    );
    // Shot 2 queued on server 1; shot 3 now running there for 20 s; shots 4, 5 waiting.
    let second = caller.pass(&one);
    assert!(
        caller
            .queue
            .report(&second[0].job, TakeReport::Started, NOW_MS - 20_000)
    );
    let both = [server(1, &["p"]), server(2, &["p"])];
    let eta = caller.queue.eta_ms(&both, NOW_MS).unwrap();
    assert_eq!(eta, (60_000.0 + 40_000.0 + 2.0 * 60_000.0) / 2.0);
    let mut unreachable = server(2, &["p"]);
    unreachable.socket = SocketState::Down;
    assert_eq!(
        caller.queue.eta_ms(&[server(1, &["p"]), unreachable], NOW_MS),
        Some(220_000.0),
        "a dead server does not share the work"
    );
}

#[test]
fn the_running_mean_follows_recent_runs_after_its_window() {
    let mut stats = DurationStats::default();
    stats.record(&p(), &url(1), 10_000.0);
    stats.record(&p(), &url(1), 20_000.0);
    assert_eq!(stats.mean_ms(&p(), &url(1)), Some(15_000.0));
    for _ in 0..50 {
        stats.record(&p(), &url(1), 100_000.0);
    }
    let mean = stats.mean_ms(&p(), &url(1)).unwrap();
    assert!(mean > 99_000.0, "{mean}");
    stats.record(&p(), &url(2), 40_000.0);
    assert_eq!(stats.expected_ms(&p(), Some(&url(2))), Some(40_000.0));
    assert_eq!(
        stats.expected_ms(&ProfileId::new("q"), None),
        stats.expected_ms(&p(), None),
        "an unmeasured profile borrows every run's mean"
    );
    stats.record(&p(), &url(1), f64::NAN);
    assert_eq!(stats.mean_ms(&p(), &url(1)), Some(mean));
}

#[test]
fn only_successful_runs_are_measured() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"])]);
    caller.queue.report(&placed[0].job, TakeReport::Started, 0);
    caller.queue.report(
        &placed[0].job,
        TakeReport::Ended(TakeEnd::Failed {
            reason: "out of memory".into(),
        }),
        1_000,
    );
    assert_eq!(caller.queue.settings().durations, DurationStats::default());
}

#[test]
fn the_summary_counts_takes_by_end_and_groups_failures_by_reason() {
    let project = project(&[4]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 2).added;
    caller.queue.remove(&added[3]);
    let servers = [server(1, &["p"]), server(2, &["p"]), server(3, &["p"])];
    let mut placed = caller.pass(&servers);
    placed.extend(caller.pass(&servers));
    assert_eq!(placed.len(), 6);
    assert!(!caller.queue.is_finished());
    let oom = || TakeEnd::Failed {
        reason: "out of memory".into(),
    };
    let ends = [
        TakeEnd::Done,
        oom(),
        oom(),
        TakeEnd::Lost {
            reason: "the server restarted".into(),
        },
        oom(),
        TakeEnd::Cancelled,
    ];
    for (placement, end) in placed.iter().zip(ends) {
        caller.report(&placement.job, TakeReport::Ended(end));
    }
    assert!(caller.queue.is_finished());
    let summary = caller.queue.summary();
    assert_eq!(
        (
            summary.done,
            summary.failed,
            summary.lost,
            summary.cancelled,
            summary.unfinished
        ),
        (1, 3, 1, 1, 0)
    );
    assert_eq!(summary.not_started, 2);
    assert_eq!(summary.removed, vec![(RemovedReason::ByYou, 1)]);
    assert_eq!(
        summary.failures,
        vec![
            FailureGroup {
                reason: "out of memory".into(),
                takes: 3,
                shots: vec![shot(1), shot(2), shot(3)],
            },
            FailureGroup {
                reason: "the server restarted".into(),
                takes: 1,
                shots: vec![shot(2)],
            },
        ]
    );
    caller.queue.dismiss_ended();
    caller.save();
    assert!(caller.queue.entries().is_empty());
    assert!(
        caller.stored.is_empty(),
        "closing the summary deletes the records"
    );
}

#[test]
fn an_entry_reads_waiting_placed_running_then_finished() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Waiting);
    let placed = caller.pass(&[server(1, &["p"])]);
    assert_eq!(
        caller.queue.entries()[0].state(),
        EntryState::Placed {
            takes: vec![(url(1), placed[0].job.clone())]
        }
    );
    caller.report(&placed[0].job, TakeReport::Started);
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Running);
    assert_eq!(caller.queue.counts().running, 1);
    caller.report(&placed[0].job, TakeReport::Ended(TakeEnd::Done));
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Finished);
}
