use super::*;

#[test]
fn after_a_reload_a_take_being_submitted_is_reconciled_never_submitted_again() {
    let project = project(&[3]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let servers = [server(1, &["p"])];
    let placed = caller.pass(&servers);
    // The tab closes right after the POSTs: no answer was recorded.
    let report = caller.reload(&project);
    assert_eq!(report, LoadReport::default());
    assert!(
        caller.pass(&servers).is_empty(),
        "the slots are the unconfirmed takes'"
    );
    let unconfirmed: Vec<JobId> = caller
        .queue
        .unconfirmed()
        .into_iter()
        .map(|job| job.job)
        .collect();
    assert_eq!(unconfirmed, vec![placed[0].job.clone(), placed[1].job.clone()]);
    // The first is in the server's queue; the second never arrived.
    assert!(caller.report(&placed[0].job, TakeReport::Accepted));
    assert!(caller.report(
        &placed[1].job,
        TakeReport::Unreached {
            reason: "the submission did not reach ComfyUI".into()
        }
    ));
    let again = caller.pass(&servers);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].shot, shot(2));
    assert!(caller.posted_once_each());
    caller.reload(&project);
    assert!(caller.pass(&servers).is_empty());
    assert!(caller.posted_once_each(), "{:?}", caller.posted);
}

#[test]
fn a_reload_keeps_pause_takes_and_order() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 4);
    let placed = caller.pass(&[server(1, &["p"])]);
    caller.report(&placed[0].job, TakeReport::Started);
    caller.queue.pause();
    caller.save();
    let before = caller.queue.entries().to_vec();
    caller.reload(&project);
    assert!(caller.queue.is_paused());
    assert_eq!(caller.queue.entries(), &before[..]);
    assert!(caller.pass(&[server(2, &["p"])]).is_empty());
}

#[test]
fn corrupt_records_are_skipped_and_counted_never_a_crash() {
    let project = project(&[2]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    caller.pass(&[server(1, &["p"])]);
    let good: Vec<serde_json::Value> = caller.stored.values().cloned().collect();
    let mut zero_takes = good[0].clone();
    zero_takes["id"] = "other".into();
    zero_takes["takes_wanted"] = 0.into();
    let mut same_job = good[0].clone();
    same_job["id"] = "copy".into();
    let mut other_project = good[1].clone();
    other_project["id"] = "elsewhere".into();
    other_project["project"] = "another-project".into();
    let records = vec![
        good[0].clone(),
        serde_json::json!("not an entry"),
        serde_json::json!({ "id": "half", "shot": 3 }),
        zero_takes,
        good[0].clone(),
        same_job,
        other_project,
        good[1].clone(),
    ];
    let settings = serde_json::json!({ "paused": "yes" });
    let (queue, report) = RenderQueue::load(&project, &records, Some(&settings));
    assert_eq!(report.skipped, 6, "five records and the settings");
    assert_eq!(queue.entries().len(), 2);
    assert!(!queue.is_paused(), "corrupt settings read as the defaults");
}

#[test]
fn entries_whose_shot_or_profile_was_deleted_leave_with_a_sentence() {
    let mut project = project(&[3]);
    project.scenes[0].shots[2].profile = Some(ProfileId::new("q"));
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p", "q"])]);
    caller.report(&placed[0].job, TakeReport::Accepted);
    project.scenes[0].shots.remove(0);
    project.profiles.retain(|profile| profile.id.as_str() != "q");
    let report = caller.reload(&project);
    let reasons: Vec<(ShotId, RemovedReason)> = report
        .pruned
        .removed
        .iter()
        .map(|(id, reason)| (caller.queue.entry(id).unwrap().shot.clone(), *reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (shot(1), RemovedReason::ShotDeleted),
            (shot(3), RemovedReason::ProfileDeleted)
        ]
    );
    assert_eq!(
        report.pruned.cancel,
        vec![ServerJob {
            server: url(1),
            job: placed[0].job.clone()
        }],
        "the deleted shot's queued take is cancelled"
    );
    assert_eq!(
        RemovedReason::ShotDeleted.to_string(),
        "Its shot was deleted, so it left the render queue."
    );
    let stored: QueueEntry =
        serde_json::from_value(caller.stored[&report.pruned.removed[0].0].clone()).unwrap();
    assert_eq!(
        stored.removed,
        Some(RemovedReason::ShotDeleted),
        "the removal is stored"
    );
    let placed = caller.pass(&[server(1, &["p", "q"])]);
    assert!(placed.iter().all(|p| p.shot == shot(2)));
}

#[test]
fn a_shot_deleted_while_the_app_runs_leaves_the_queue_through_prune() {
    let mut project = project(&[2]);
    let mut caller = Caller::new(&project);
    let added = caller.enqueue(&project, Scope::All, 1).added;
    project.scenes[0].shots.remove(1);
    let pruned = caller.queue.prune(&project);
    assert_eq!(
        pruned.removed,
        vec![(added[1].clone(), RemovedReason::ShotDeleted)]
    );
    assert!(pruned.cancel.is_empty());
    assert_eq!(
        shots_of(&caller.pass(&[server(1, &["p"])])),
        vec![(shot(1), url(1))]
    );
}

#[test]
fn late_repeated_or_foreign_reports_change_nothing() {
    let project = project(&[1]);
    let mut caller = Caller::new(&project);
    caller.enqueue(&project, Scope::All, 1);
    let placed = caller.pass(&[server(1, &["p"])]);
    let job = placed[0].job.clone();
    assert!(caller.report(&job, TakeReport::Accepted));
    assert!(!caller.report(&job, TakeReport::Accepted));
    assert!(
        !caller.report(
            &job,
            TakeReport::Unreached {
                reason: "late".into()
            }
        ),
        "an accepted job was reached"
    );
    assert!(caller.report(&job, TakeReport::Ended(TakeEnd::Done)));
    assert!(!caller.report(
        &job,
        TakeReport::Ended(TakeEnd::Failed {
            reason: "late".into()
        })
    ));
    assert!(!caller.report(&JobId::new("someone-else"), TakeReport::Started));
    assert!(!caller.queue.owns_job(&JobId::new("someone-else")));
    assert!(caller.queue.owns_job(&job));
    assert_eq!(caller.queue.entries()[0].state(), EntryState::Finished);
}
