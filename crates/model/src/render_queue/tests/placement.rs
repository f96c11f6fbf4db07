use super::*;

#[test]
fn generate_all_places_shots_in_story_order_two_per_server_and_the_rest_waits() {
    let project = project(&[3, 2]);
    let mut caller = Caller::new(&project);
    let report = caller.enqueue(&project, Scope::All, 1);
    assert_eq!(report.added.len(), 5);
    let placed = caller.pass(&[server(1, &["p"]), server(2, &["p"])]);
    assert_eq!(
        shots_of(&placed),
        vec![
            (shot(1), url(1)),
            (shot(2), url(2)),
            (shot(3), url(1)),
            (shot(4), url(2))
        ]
    );
    assert_eq!(
        caller.queue.counts(),
        QueueCounts {
            waiting: 1,
            placed: 4,
            running: 0
        }
    );
    assert!(
        caller.pass(&[server(1, &["p"]), server(2, &["p"])]).is_empty(),
        "full servers take nothing more"
    );
}

#[test]
fn a_take_that_ends_frees_its_slot_for_the_next_shot() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"])];
    let first = caller.pass(&servers);
    assert_eq!(first.len(), 2);
    caller.report(&first[0].job, TakeReport::Accepted);
    assert!(caller.pass(&servers).is_empty(), "accepted is still in flight");
    caller.run_to_done(&first[0].job, NOW_MS, NOW_MS + 5_000);
    assert_eq!(shots_of(&caller.pass(&servers)), vec![(shot(3), url(1))]);
}

#[test]
fn three_takes_are_three_placements_with_three_distinct_job_ids() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::Shot(shot(1)), 3);
    let servers = [server(1, &["p"])];
    let mut placed = caller.pass(&servers);
    assert_eq!(placed.len(), 2, "one server: one running, one queued");
    caller.run_to_done(&placed[0].job, NOW_MS, NOW_MS + 1_000);
    placed.extend(caller.pass(&servers));
    assert_eq!(placed.iter().map(|p| p.take).collect::<Vec<_>>(), vec![1, 2, 3]);
    let jobs: HashSet<&JobId> = placed.iter().map(|p| &p.job).collect();
    assert_eq!(jobs.len(), 3);
    assert!(placed.iter().all(|p| p.shot == shot(1)));
    assert_eq!(caller.queue.counts().waiting, 0);
    caller.run_to_done(&placed[1].job, NOW_MS, NOW_MS + 1_000);
    caller.run_to_done(&placed[2].job, NOW_MS, NOW_MS + 1_000);
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Finished);
    assert_eq!(caller.queue.summary().done, 3, "every take is kept");
}

#[test]
fn other_jobs_on_a_server_count_against_its_room() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let mut busy = server(1, &["p"]);
    busy.other_jobs_in_flight = 2;
    let placed = caller.pass(&[busy, server(2, &["p"])]);
    assert_eq!(shots_of(&placed), vec![(shot(1), url(2)), (shot(2), url(2))]);
}

#[test]
fn a_members_jobs_count_against_the_queues_room_except_the_queues_own_takes() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"])]);
    let mut member = PoolMember {
        url: url(1),
        socket: SocketState::Open,
        answered_ms_ago: Some(100.0),
        unfinished: placed.iter().map(|placement| placement.job.clone()).collect(),
        placing: 0,
        fits: server(1, &["p"]).fits,
    };
    let seen = QueueServer::of_member(&member, |job| caller.queue.owns_job(job));
    assert_eq!(
        seen.other_jobs_in_flight, 0,
        "its own takes are counted by the queue"
    );
    member.unfinished.push(JobId::new("a single Generate"));
    member.placing = 1;
    let seen = QueueServer::of_member(&member, |job| caller.queue.owns_job(job));
    assert_eq!(seen.other_jobs_in_flight, 2);
    assert_eq!(seen.fits, server(1, &["p"]).fits);
}

#[test]
fn an_unreachable_server_or_one_failing_preflight_gets_nothing() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let mut down = server(1, &["p"]);
    down.socket = SocketState::Down;
    let mut missing = server(2, &[]);
    missing
        .fits
        .insert(ProfileId::new("p"), Fit::Failed("misses node KSampler".into()));
    let placed = caller.pass(&[down, missing, server(3, &["p"])]);
    assert_eq!(shots_of(&placed), vec![(shot(1), url(3)), (shot(2), url(3))]);
}

#[test]
fn an_entry_no_server_can_run_waits_saying_so_and_the_entries_after_it_go_on() {
    let mut project = project(&[2]);
    project.scenes[0].shots[0].profile = Some(ProfileId::new("q"));
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let mut only_p = server(1, &["p"]);
    only_p
        .fits
        .insert(ProfileId::new("q"), Fit::Failed("misses node LTXVideo".into()));
    let placed = caller.pass(&[only_p]);
    assert_eq!(shots_of(&placed), vec![(shot(2), url(1))]);
    let waiting = &caller.queue.entries()[0];
    assert_eq!(waiting.state(), EntryState::Waiting);
    let hold = caller.queue.hold(&waiting.id).expect("says why it waits");
    assert_eq!(
        hold.to_string(),
        "No server for this profile: http://127.0.0.1:1 cannot run its workflow (misses node LTXVideo). \
         It waits until one can run it."
    );
    assert!(!hold.still_connecting());
    assert!(caller.queue.hold(&caller.queue.entries()[1].id).is_none());
}

#[test]
fn an_entry_waiting_only_for_room_is_not_held() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    caller.pass(&[server(1, &["p"])]);
    let third = &caller.queue.entries()[2];
    assert_eq!(third.state(), EntryState::Waiting);
    assert!(caller.queue.hold(&third.id).is_none());
}

#[test]
fn pause_stops_placing_and_resume_carries_on_where_it_was() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"]), server(2, &["p"])];
    caller.queue.pause();
    assert!(caller.pass(&servers).is_empty());
    assert!(caller.queue.is_paused());
    caller.queue.resume();
    let placed = caller.pass(&servers);
    assert_eq!(placed.len(), 3);
    assert_eq!(placed[0].shot, shot(1));
    caller.queue.pause();
    assert!(
        caller.report(&placed[0].job, TakeReport::Started),
        "what is on a server goes on while paused"
    );
}

#[test]
fn failures_do_not_stop_the_queue() {
    let project = project(&[4]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"])];
    let first = caller.pass(&servers);
    caller.report(
        &first[0].job,
        TakeReport::Refused {
            reason: "ComfyUI refused the prompt: value not in list".into(),
        },
    );
    caller.report(&first[1].job, TakeReport::Accepted);
    caller.report(
        &first[1].job,
        TakeReport::Ended(TakeEnd::Failed {
            reason: "KSampler ran out of memory".into(),
        }),
    );
    let next = caller.pass(&servers);
    assert_eq!(shots_of(&next), vec![(shot(3), url(1)), (shot(4), url(1))]);
    for placement in &next {
        caller.run_to_done(&placement.job, NOW_MS, NOW_MS + 1_000);
    }
    assert!(caller.queue.is_finished());
    let states: Vec<EntryState> = caller.queue.entries().iter().map(QueueEntry::state).collect();
    assert_eq!(
        states,
        vec![
            EntryState::Failed {
                reason: "ComfyUI refused the prompt: value not in list".into()
            },
            EntryState::Failed {
                reason: "KSampler ran out of memory".into()
            },
            EntryState::Finished,
            EntryState::Finished,
        ]
    );
}

#[test]
fn a_take_that_never_reached_its_server_is_placed_again_on_another_with_a_new_job_id() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"]), server(2, &["p"])];
    let first = caller.pass(&servers);
    assert_eq!(first[0].server, url(1));
    caller.report(
        &first[0].job,
        TakeReport::Unreached {
            reason: "the submission did not reach ComfyUI".into(),
        },
    );
    let again = caller.pass(&servers);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].server, url(2), "another server first");
    assert_ne!(again[0].job, first[0].job);
    assert_eq!(again[0].take, 1, "the attempt that never ran does not count");
    assert_eq!(
        caller.queue.entries()[0].takes.len(),
        2,
        "the attempt stays on record"
    );
}

#[test]
fn a_take_that_keeps_failing_to_reach_any_server_fails_instead_of_trying_forever() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"])];
    for attempt in 1..=MAX_UNREACHED_PER_ENTRY {
        let placed = caller.pass(&servers);
        assert_eq!(placed.len(), 1, "attempt {attempt} is placed");
        caller.report(
            &placed[0].job,
            TakeReport::Unreached {
                reason: "the submission did not reach ComfyUI".into(),
            },
        );
    }
    assert!(caller.pass(&servers).is_empty());
    assert_eq!(
        caller.queue.entries()[0].state(),
        EntryState::Failed {
            reason: "the submission did not reach ComfyUI".into()
        }
    );
    assert!(caller.posted_once_each());
}
