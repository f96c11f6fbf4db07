//! The render queue driven as the app drives it: a caller that stores every change
//! before it POSTs, reports answers back, and reloads from what it stored.

use std::collections::{BTreeMap, HashSet};

use super::*;
use crate::pool::{Fit, PoolMember, SocketState};
use crate::project::{JobId, ProfileId, Project, Scene, SceneId, Shot, ShotId, WorkflowProfile};
use crate::server_url::ServerUrl;

mod controls;
mod eta_summary;
mod placement;
mod reload;

const NOW_MS: i64 = 1_000_000;

/// Scenes `s1`, `s2`… holding shots `shot1`, `shot2`… numbered across the project;
/// profiles `p` (the project's shot profile) and `q`.
fn project(shots_per_scene: &[usize]) -> Project {
    let mut number = 0;
    let scenes = shots_per_scene
        .iter()
        .enumerate()
        .map(|(at, &count)| {
            let mut scene = Scene::empty(SceneId::new(format!("s{}", at + 1)), "Scene");
            for _ in 0..count {
                number += 1;
                let mut shot = Shot::empty(ShotId::new(format!("shot{number}")));
                shot.prompt = format!("shot number {number}");
                scene.shots.push(shot);
            }
            scene
        })
        .collect();
    let mut fresh = 0;
    let mut project = Project::new_with_first_shot("Film", 0, &mut || {
        fresh += 1;
        format!("x{fresh}")
    });
    project.scenes = scenes;
    project.profiles = ["p", "q"]
        .into_iter()
        .map(|id| WorkflowProfile {
            id: ProfileId::new(id),
            name: id.to_uppercase(),
            workflow: serde_json::json!({}),
            mapping: serde_json::json!({}),
        })
        .collect();
    project.stages.shot = Some(ProfileId::new("p"));
    project
}

fn shot(n: usize) -> ShotId {
    ShotId::new(format!("shot{n}"))
}

fn url(port: u16) -> ServerUrl {
    ServerUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap()
}

/// A healthy, idle server where `profiles` passed preflight.
fn server(port: u16, profiles: &[&str]) -> QueueServer {
    QueueServer {
        url: url(port),
        socket: SocketState::Open,
        answered_ms_ago: Some(100.0),
        other_jobs_in_flight: 0,
        fits: profiles
            .iter()
            .map(|profile| (ProfileId::new(*profile), Fit::Passed))
            .collect(),
    }
}

fn counter(prefix: &'static str) -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("{prefix}{n}")
    }
}

/// The app's side of the loop, with storage as JSON records.
struct Caller {
    queue: RenderQueue,
    entry_ids: Box<dyn FnMut() -> String>,
    job_ids: Box<dyn FnMut() -> String>,
    stored: BTreeMap<EntryId, serde_json::Value>,
    stored_settings: Option<serde_json::Value>,
    /// Every POST made, in order.
    posted: Vec<JobId>,
}

impl Caller {
    fn new(project: &Project) -> Self {
        Self {
            queue: RenderQueue::new(project.id.clone()),
            entry_ids: Box::new(counter("entry")),
            job_ids: Box::new(counter("job")),
            stored: BTreeMap::new(),
            stored_settings: None,
            posted: Vec::new(),
        }
    }

    fn enqueue(&mut self, project: &Project, scope: Scope, takes: u8) -> EnqueueReport {
        let report = self
            .queue
            .enqueue(project, &scope, takes, NOW_MS, &mut self.entry_ids)
            .unwrap();
        self.save();
        report
    }

    /// One scheduling pass: place, store, then POST. Panics if a job is POSTed twice or
    /// before its take was stored as submitting.
    fn pass(&mut self, servers: &[QueueServer]) -> Vec<Placement> {
        let placements = self.queue.place_next(servers, &mut self.job_ids);
        self.save();
        for placement in &placements {
            let record = &self.stored[&placement.entry];
            let stored: QueueEntry = serde_json::from_value(record.clone()).unwrap();
            assert_eq!(
                stored.take(&placement.job).map(|take| &take.state),
                Some(&TakeState::Submitting),
                "stored before the POST"
            );
            assert!(
                !self.posted.contains(&placement.job),
                "{} POSTed twice",
                placement.job
            );
            self.posted.push(placement.job.clone());
        }
        placements
    }

    fn report(&mut self, job: &JobId, report: TakeReport) -> bool {
        let changed = self.queue.report(job, report, NOW_MS);
        self.save();
        changed
    }

    /// Accepted (unless it was), started at `started_ms`, done at `ended_ms`.
    fn run_to_done(&mut self, job: &JobId, started_ms: i64, ended_ms: i64) {
        self.queue.report(job, TakeReport::Accepted, started_ms);
        assert!(self.queue.report(job, TakeReport::Started, started_ms));
        assert!(self.queue.report(job, TakeReport::Ended(TakeEnd::Done), ended_ms));
        self.save();
    }

    fn save(&mut self) {
        let changes = self.queue.drain_changes();
        for entry in changes.put {
            self.stored
                .insert(entry.id.clone(), serde_json::to_value(&entry).unwrap());
        }
        for id in changes.delete {
            self.stored.remove(&id);
        }
        if let Some(settings) = changes.settings {
            self.stored_settings = Some(serde_json::to_value(settings).unwrap());
        }
    }

    /// The page reloads: the queue is what storage holds, nothing more.
    fn reload(&mut self, project: &Project) -> LoadReport {
        let records: Vec<serde_json::Value> = self.stored.values().cloned().collect();
        let (queue, report) = RenderQueue::load(project, &records, self.stored_settings.as_ref());
        self.queue = queue;
        self.save();
        report
    }

    fn posted_once_each(&self) -> bool {
        self.posted.iter().collect::<HashSet<_>>().len() == self.posted.len()
    }
}

fn shots_of(placements: &[Placement]) -> Vec<(ShotId, ServerUrl)> {
    placements
        .iter()
        .map(|placement| (placement.shot.clone(), placement.server.clone()))
        .collect()
}
