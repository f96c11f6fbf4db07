use super::*;
use crate::project::{JobId, ProfileId, ServerId};

fn url(port: u16) -> ServerUrl {
    ServerUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap()
}

fn healthy(port: u16, jobs: usize) -> ServerSnapshot {
    ServerSnapshot {
        url: url(port),
        socket: SocketState::Open,
        answered_ms_ago: Some(100.0),
        jobs_in_flight: jobs,
        fit: Fit::Passed,
    }
}

fn config(port: u16, enabled: bool) -> ServerConfig {
    ServerConfig {
        id: ServerId::new(format!("s{port}")),
        name: String::new(),
        url: url(port),
        enabled,
    }
}

#[test]
fn the_server_with_fewest_jobs_in_flight_gets_the_shot() {
    let servers = [healthy(1, 2), healthy(2, 0), healthy(3, 1)];
    assert_eq!(choose_server(&servers, None), Ok(url(2)));
}

#[test]
fn a_tie_goes_to_the_server_listed_first() {
    let servers = [healthy(1, 1), healthy(2, 1)];
    assert_eq!(choose_server(&servers, None), Ok(url(1)));
}

#[test]
fn an_unreachable_server_gets_no_new_work_however_idle() {
    let mut down = healthy(1, 0);
    down.socket = SocketState::Down;
    let servers = [down, healthy(2, 5)];
    assert_eq!(choose_server(&servers, None), Ok(url(2)));
}

#[test]
fn a_reopening_socket_counts_as_healthy_only_while_the_server_answered_recently() {
    let mut blip = healthy(1, 0);
    blip.socket = SocketState::Opening;
    blip.answered_ms_ago = Some(RECENT_ANSWER_MS / 2.0);
    assert!(blip.is_healthy());
    blip.answered_ms_ago = Some(RECENT_ANSWER_MS * 2.0);
    assert!(!blip.is_healthy());
    blip.answered_ms_ago = None;
    assert!(!blip.is_healthy());
    let mut silent = healthy(2, 0);
    silent.socket = SocketState::Stalled;
    silent.answered_ms_ago = Some(RECENT_ANSWER_MS * 2.0);
    assert!(!silent.is_healthy());
}

#[test]
fn a_server_failing_preflight_for_the_profile_is_skipped() {
    let mut missing_nodes = healthy(1, 0);
    missing_nodes.fit = Fit::Failed("misses node KSampler".into());
    let servers = [missing_nodes, healthy(2, 3)];
    assert_eq!(choose_server(&servers, None), Ok(url(2)));
}

#[test]
fn with_no_server_left_every_reason_is_named() {
    let mut missing_nodes = healthy(1, 0);
    missing_nodes.fit = Fit::Failed("misses node KSampler".into());
    let mut down = healthy(2, 0);
    down.socket = SocketState::Down;
    let error = choose_server(&[missing_nodes, down], None).unwrap_err();
    assert_eq!(
        error.skipped,
        vec![
            (url(1), Skip::PreflightFailed("misses node KSampler".into())),
            (url(2), Skip::Unreachable),
        ]
    );
    let sentence = error.to_string();
    assert!(
        sentence.contains("127.0.0.1:1 cannot run its workflow (misses node KSampler)"),
        "{sentence}"
    );
    assert!(sentence.contains("127.0.0.1:2 is unreachable"), "{sentence}");
    assert!(!error.still_connecting());
}

#[test]
fn a_server_still_opening_its_first_socket_is_worth_waiting_for() {
    let mut opening = healthy(1, 0);
    opening.socket = SocketState::Opening;
    opening.answered_ms_ago = None;
    opening.fit = Fit::Unchecked;
    let error = choose_server(&[opening], None).unwrap_err();
    assert!(error.still_connecting());
}

#[test]
fn resubmitting_elsewhere_never_picks_the_server_the_job_was_on() {
    let servers = [healthy(1, 0), healthy(2, 4)];
    assert_eq!(choose_server(&servers, Some(&url(1))), Ok(url(2)));
    let error = choose_server(&servers[..1], Some(&url(1))).unwrap_err();
    assert_eq!(error.skipped, vec![(url(1), Skip::Excluded)]);
}

#[test]
fn a_pool_needs_two_enabled_servers() {
    assert_eq!(pool_members(&[]), None);
    assert_eq!(pool_members(&[config(1, true), config(2, false)]), None);
    assert_eq!(
        pool_members(&[config(1, true), config(2, false), config(3, true)]),
        Some(vec![url(1), url(3)])
    );
}

#[test]
fn generate_all_waits_only_while_every_healthy_server_has_one_running_and_one_queued() {
    assert!(has_room(&[healthy(1, 2), healthy(2, 1)]));
    assert!(!has_room(&[healthy(1, 2), healthy(2, 2)]));
    let mut down = healthy(3, 0);
    down.socket = SocketState::Down;
    assert!(
        !has_room(&[healthy(1, 2), down]),
        "a dead server's free slots are not room"
    );
}

#[test]
fn a_job_kept_off_several_servers_goes_to_the_one_left() {
    let servers = [healthy(1, 0), healthy(2, 0), healthy(3, 5)];
    assert_eq!(choose_server_excluding(&servers, &[&url(1), &url(2)]), Ok(url(3)));
    let error = choose_server_excluding(&servers[..2], &[&url(1), &url(2)]).unwrap_err();
    assert_eq!(
        error.skipped,
        vec![(url(1), Skip::Excluded), (url(2), Skip::Excluded)]
    );
    assert_eq!(
        error.reasons(),
        "http://127.0.0.1:1 already had it; http://127.0.0.1:2 already had it"
    );
}

fn member(port: u16, fits: &[(&str, Fit)]) -> PoolMember {
    PoolMember {
        url: url(port),
        socket: SocketState::Open,
        answered_ms_ago: Some(100.0),
        unfinished: Vec::new(),
        placing: 0,
        fits: fits
            .iter()
            .map(|(profile, fit)| (ProfileId::new(*profile), fit.clone()))
            .collect(),
    }
}

#[test]
fn a_members_unfinished_jobs_and_the_clicks_being_placed_on_it_are_its_jobs_in_flight() {
    let mut busy = member(1, &[("p", Fit::Passed)]);
    busy.unfinished = vec![JobId::new("a"), JobId::new("b")];
    busy.placing = 1;
    let p = [ProfileId::new("p")];
    assert_eq!(busy.snapshot(&p).jobs_in_flight, 3);
    assert_eq!(busy.jobs_in_flight_except(|job| job.as_str() == "a"), 2);
    let idle = member(2, &[("p", Fit::Passed)]);
    assert_eq!(
        choose_server(&[busy.snapshot(&p), idle.snapshot(&p)], None),
        Ok(url(2))
    );
}

#[test]
fn a_two_stage_shot_fits_a_member_only_where_both_profiles_passed() {
    let both = [ProfileId::new("shot"), ProfileId::new("keyframe")];
    let missing = Fit::Failed("misses node KSampler".into());
    let half = member(1, &[("shot", Fit::Passed), ("keyframe", missing.clone())]);
    assert_eq!(
        half.snapshot(&both).fit,
        missing,
        "the first profile that failed says why"
    );
    assert_eq!(half.snapshot(&both[..1]).fit, Fit::Passed);
    let unasked = member(2, &[("shot", Fit::Passed)]);
    assert_eq!(unasked.snapshot(&both).fit, Fit::Unchecked);
    assert_eq!(
        member(3, &[]).snapshot(&[]).fit,
        Fit::Passed,
        "a shot without profiles fits anywhere"
    );
}

#[test]
fn only_a_healthy_member_is_asked_whether_its_profiles_fit() {
    let mut down = member(1, &[]);
    down.socket = SocketState::Down;
    assert!(!down.is_healthy());
    let mut blip = member(2, &[]);
    blip.socket = SocketState::Stalled;
    assert!(blip.is_healthy(), "it answered a moment ago");
}
