use super::*;

#[test]
fn move_to_front_places_that_entry_next() {
    let project = project(&[4]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 1).added;
    assert!(caller.queue.move_to_front(&added[3]));
    let order: Vec<ShotId> = caller.queue.entries().iter().map(|e| e.shot.clone()).collect();
    assert_eq!(order, vec![shot(4), shot(1), shot(2), shot(3)]);
    let placed = caller.pass(&[server(1, &["p"])]);
    assert_eq!(shots_of(&placed), vec![(shot(4), url(1)), (shot(1), url(1))]);
    assert_eq!(caller.stored.len(), 4);
    assert!(
        !caller.queue.move_to_front(&added[3]),
        "an entry with nothing left to place has no place to move to"
    );
}

#[test]
fn move_to_front_survives_a_reload() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 1).added;
    caller.queue.move_to_front(&added[2]);
    caller.save();
    caller.reload(&project);
    assert_eq!(caller.queue.entries()[0].id, added[2]);
}

#[test]
fn a_removed_waiting_entry_is_never_placed() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 1).added;
    assert!(caller.queue.remove(&added[0]).is_empty());
    let placed = caller.pass(&[server(1, &["p"])]);
    assert_eq!(shots_of(&placed), vec![(shot(2), url(1))]);
    assert_eq!(
        caller.queue.entry(&added[0]).map(QueueEntry::state),
        Some(EntryState::Removed {
            reason: RemovedReason::ByYou
        })
    );
}

#[test]
fn removing_a_placed_entry_cancels_its_queued_take_and_lets_the_running_one_finish() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 3).added;
    let placed = caller.pass(&[server(1, &["p"])]);
    caller.report(&placed[0].job, TakeReport::Started);
    caller.report(&placed[1].job, TakeReport::Accepted);
    let cancel = caller.queue.remove(&added[0]);
    assert_eq!(
        cancel,
        vec![ServerJob {
            server: url(1),
            job: placed[1].job.clone()
        }]
    );
    assert!(
        caller.pass(&[server(1, &["p"])]).is_empty(),
        "the third take is dropped"
    );
    assert!(caller.report(&placed[0].job, TakeReport::Ended(TakeEnd::Done)));
    assert!(caller.report(&placed[1].job, TakeReport::Ended(TakeEnd::Cancelled)));
    assert!(caller.queue.is_finished());
    caller.queue.remove(&added[0]);
    caller.save();
    assert!(
        caller.queue.entries().is_empty(),
        "Remove on an ended entry forgets it"
    );
    assert!(caller.stored.is_empty());
}

#[test]
fn stop_drops_waiting_shots_cancels_queued_ones_and_lets_running_ones_finish() {
    let project = project(&[5]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"]), server(2, &["p"])]);
    caller.report(&placed[0].job, TakeReport::Started);
    caller.report(&placed[1].job, TakeReport::Accepted);
    caller.queue.pause();
    let cancel = caller.queue.stop();
    let cancelled: Vec<&JobId> = cancel.iter().map(|c| &c.job).collect();
    assert_eq!(
        cancelled,
        vec![&placed[1].job, &placed[2].job, &placed[3].job],
        "queued and still-submitting takes are cancelled, the running one is not"
    );
    assert!(!caller.queue.is_paused(), "the next Generate runs");
    assert!(caller.pass(&[server(1, &["p"]), server(2, &["p"])]).is_empty());
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Running);
    caller.report(&placed[0].job, TakeReport::Ended(TakeEnd::Done));
    for job in cancelled {
        let job = job.clone();
        caller.report(&job, TakeReport::Ended(TakeEnd::Cancelled));
    }
    assert!(caller.queue.is_finished());
    let summary = caller.queue.summary();
    assert_eq!((summary.done, summary.cancelled, summary.not_started), (1, 3, 1));
    assert_eq!(summary.removed, vec![(RemovedReason::Stopped, 4)]);
}

#[test]
fn generate_all_twice_renders_each_shot_once() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    caller.pass(&[server(1, &["p"])]);
    let again = caller.enqueue(&project, Scope::All, 1);
    assert!(again.added.is_empty());
    assert_eq!(
        again.already_queued.len(),
        3,
        "placed ones and waiting ones alike"
    );
    assert_eq!(caller.queue.entries().len(), 3);
}

#[test]
fn queueing_a_queued_shot_with_more_takes_raises_its_takes_never_doubles_them() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    let first = caller.enqueue(&project, Scope::Shot(shot(1)), 2).added;
    caller.enqueue(&project, Scope::Shot(shot(1)), 5);
    caller.enqueue(&project, Scope::Shot(shot(1)), 3);
    assert_eq!(caller.queue.entries().len(), 1);
    assert_eq!(caller.queue.entry(&first[0]).map(|e| e.takes_wanted), Some(5));
    caller.enqueue(&project, Scope::Shot(shot(1)), 200);
    assert_eq!(
        caller.queue.entry(&first[0]).map(|e| e.takes_wanted),
        Some(MAX_TAKES_PER_ENTRY)
    );
}

#[test]
fn a_shot_whose_entry_ended_is_queued_again_as_a_new_entry() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"])]);
    caller.run_to_done(&placed[0].job, NOW_MS, NOW_MS + 1_000);
    let again = caller.enqueue(&project, Scope::Shot(shot(1)), 1);
    assert_eq!(again.added.len(), 1);
    assert_eq!(caller.pass(&[server(1, &["p"])]).len(), 1);
}

#[test]
fn generate_scene_queues_only_that_scene_and_says_which_shots_it_could_not_queue() {
    let mut project = project(&[1, 3]);
    project.scenes[1].shots[0].prompt = "  ".into();
    project.scenes[1].shots[1].profile = Some(ProfileId::new("gone"));
    let mut caller = Caller::new(&project);
    let report = caller.enqueue(&project, Scope::Scene(SceneId::new("s2")), 1);
    assert_eq!(report.added.len(), 1);
    assert_eq!(caller.queue.entries()[0].shot, shot(4));
    assert_eq!(report.refused.len(), 2);
    assert_eq!(report.refused[0].0, shot(2));
    assert!(matches!(report.refused[0].1, Refusal::Invalid(_)));
    assert_eq!(
        report.refused[1],
        (shot(3), Refusal::ProfileMissing(ProfileId::new("gone")))
    );
    project.stages.shot = None;
    let none = caller.enqueue(&project, Scope::Scene(SceneId::new("s1")), 1);
    assert_eq!(none.refused, vec![(shot(1), Refusal::NoProfile)]);
    let missing = caller.queue.enqueue(
        &project,
        &Scope::Scene(SceneId::new("s9")),
        1,
        NOW_MS,
        &mut counter("e"),
    );
    assert_eq!(missing, Err(EnqueueError::SceneNotFound(SceneId::new("s9"))));
}

#[test]
fn a_removed_server_gives_its_queued_takes_back_and_they_go_to_another_server() {
    let project = project(&[4]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"]), server(2, &["p"])]);
    for placement in &placed {
        caller.report(&placement.job, TakeReport::Accepted);
    }
    caller.report(&placed[0].job, TakeReport::Started);
    let cancel = caller.queue.withdraw_from_server(&url(1));
    assert_eq!(
        cancel,
        vec![ServerJob {
            server: url(1),
            job: placed[2].job.clone()
        }],
        "the running take stays"
    );
    caller.run_to_done(&placed[1].job, NOW_MS, NOW_MS + 1_000);
    let moved = caller.pass(&[server(2, &["p"])]);
    assert_eq!(shots_of(&moved), vec![(shot(3), url(2))]);
    assert_ne!(moved[0].job, placed[2].job);
    assert!(
        !caller.report(&placed[2].job, TakeReport::Ended(TakeEnd::Cancelled)),
        "the withdrawn job's late end changes nothing"
    );
    assert!(caller.posted_once_each());
}

#[test]
fn with_its_only_server_removed_an_entry_waits_with_no_server_for_this_profile() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 1).added;
    let placed = caller.pass(&[server(1, &["p"])]);
    caller.report(&placed[0].job, TakeReport::Accepted);
    caller.queue.withdraw_from_server(&url(1));
    assert!(caller.pass(&[]).is_empty());
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Waiting);
    assert_eq!(
        caller
            .queue
            .hold(&added[0])
            .map(|hold| hold.to_string())
            .as_deref(),
        Some("No server for this profile: no server is enabled in this project.")
    );
    let back = caller.pass(&[server(2, &["p"])]);
    assert_eq!(shots_of(&back), vec![(shot(1), url(2))]);
}
