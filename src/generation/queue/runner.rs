//! The tab that holds a project's queue lock runs its queue: every pass folds the jobs'
//! states into the queue, places what has room, writes the queue, and only then submits.
//! The other tabs follow the stored queue until the lock comes to them.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use shotline_model::project::{JobId, ProfileId, ProjectId};
use shotline_model::render_queue::{
    EntryId, Placement, QueueServer, RenderQueue, ServerJob, TakeEnd, TakeReport, TakeState,
};
use shotline_model::server_url::ServerUrl;
use shotline_protocol::JobState;
use shotline_protocol::job::FailureKind;
use shotline_protocol::job::LostReason;
use wasm_bindgen_futures::spawn_local;

use super::channel::{self, Command};
use super::{Deps, RenderQueueHandle, scope_of};
use crate::generation::engine::now_ms;
use crate::tabs;
use crate::workflows::TakeRequest;

/// How often the running tab looks at the queue's jobs and the servers' room.
const PASS_MS: u32 = 500;
/// How often the running tab looks whether a take ended between passes (cheap: one
/// signal read per take on a server).
const WAKE_CHECK_MS: u32 = 50;
/// How often a following tab reads the stored queue (a change notice reads it at once).
const FOLLOW_MS: u32 = 2_000;

fn lock_name(project: &ProjectId) -> String {
    format!("shotline.queue.{}", project.as_str())
}

/// Follows the stored queue until this tab gets the project's lock, then runs it until
/// another project opens.
pub(super) async fn start(handle: RenderQueueHandle, project: ProjectId, epoch: u64) {
    spawn_local(follow(handle, project.clone(), epoch));
    let name = lock_name(&project);
    tabs::exclusive(&name, run(handle, project, epoch)).await;
}

async fn follow(handle: RenderQueueHandle, project: ProjectId, epoch: u64) {
    let name = lock_name(&project);
    while handle.project_is(&project, epoch) && !handle.with_shared(|shared| shared.runs_here) {
        let elsewhere = tabs::held_names().await.is_some_and(|held| held.contains(&name));
        if handle.with_shared(|shared| shared.runs_here) {
            break;
        }
        handle.with_shared(|shared| shared.runner_elsewhere = elsewhere);
        refresh(handle, &project).await;
        TimeoutFuture::new(FOLLOW_MS).await;
    }
}

/// A change notice from the running tab: a following tab reads the queue again.
pub(super) fn refresh_soon(handle: RenderQueueHandle) {
    if handle.with_shared(|shared| shared.runs_here) {
        return;
    }
    let Some(project) = handle.deps.data.project_id() else {
        return;
    };
    spawn_local(async move { refresh(handle, &project).await });
}

/// Reads the stored queue for display (a following tab).
async fn refresh(handle: RenderQueueHandle, project_id: &ProjectId) {
    let Some((queue, _, _)) = load(handle, project_id).await else {
        return;
    };
    if handle.with_shared(|shared| shared.runs_here) {
        return;
    }
    handle.with_shared(|shared| shared.queue = Some(queue));
    show_placed_elsewhere(handle).await;
    handle.bump();
}

/// Shows the job of every take this page does not track yet: one another tab placed
/// while this tab followed the queue. This page loaded the project's jobs when it opened;
/// without this, a shot the other tab ran would show Draft here, even after that tab
/// closed and this one took the queue over (the take had ended, so no pass looks at it).
async fn show_placed_elsewhere(handle: RenderQueueHandle) {
    // Attempts that were placed again: their shot shows the newer take.
    let untracked = takes_not_being_sent(handle, |state| {
        !matches!(state, TakeState::Unreached { .. } | TakeState::Withdrawn)
    });
    let generation = handle.deps.generation;
    for job in untracked {
        if generation.job(job.as_str()).is_none() {
            generation.follow_stored(job.as_str()).await;
        }
    }
}

/// The stored queue, what to cancel of entries whose shot or profile is gone, and a
/// sentence when something could not be read or left the queue.
/// `None` too when another project was opened meanwhile. The project is read once the
/// records are in, borrowed, never copied.
async fn load(
    handle: RenderQueueHandle,
    project_id: &ProjectId,
) -> Option<(RenderQueue, Vec<ServerJob>, Option<String>)> {
    let Some(storage) = handle.deps.storage else {
        return Some((RenderQueue::new(project_id.clone()), Vec::new(), None));
    };
    match storage.queue_records(project_id.as_str()).await {
        Ok((records, settings)) => {
            let (queue, report) = handle
                .deps
                .data
                .read_untracked(|project| {
                    (&project.id == project_id)
                        .then(|| RenderQueue::load(project, &records, settings.as_ref()))
                })
                .flatten()?;
            let mut said = Vec::new();
            if report.skipped > 0 {
                said.push(format!(
                    "{} render queue record(s) could not be read and were skipped; the rest of the queue goes on.",
                    report.skipped
                ));
            }
            if !report.pruned.removed.is_empty() {
                said.push(left_the_queue(report.pruned.removed.len()));
            }
            let notice = (!said.is_empty()).then(|| said.join(" "));
            Some((queue, report.pruned.cancel, notice))
        }
        Err(problem) => {
            handle.with_shared(|shared| {
                shared.notice = Some(format!("The render queue could not be read: {problem}"));
            });
            handle.bump();
            None
        }
    }
}

/// The lock is ours: read the stored queue, take over its jobs and run it.
async fn run(handle: RenderQueueHandle, project_id: ProjectId, epoch: u64) {
    if !handle.project_is(&project_id, epoch) {
        return;
    }
    let Some((queue, gone, notice)) = load(handle, &project_id).await else {
        return;
    };
    if !handle.project_is(&project_id, epoch) {
        return;
    }
    cancel(handle, &gone);
    let pending = handle.with_shared(|shared| {
        shared.queue = Some(queue);
        shared.runs_here = true;
        shared.runner_elsewhere = false;
        if notice.is_some() {
            shared.notice = notice;
        }
        std::mem::take(&mut shared.pending)
    });
    for command in &pending {
        apply_command(handle, command);
    }
    show_placed_elsewhere(handle).await;
    handle.bump();
    while handle.project_is(&project_id, epoch) {
        pass(handle, &project_id).await;
        // Until the next pass is due, or at once when a take of the queue has ended: its
        // place on the server is free now, not half a second from now.
        for _ in 0..PASS_MS / WAKE_CHECK_MS {
            TimeoutFuture::new(WAKE_CHECK_MS).await;
            if a_take_ended(handle) {
                break;
            }
        }
    }
    handle.with_shared(|shared| shared.runs_here = false);
}

/// Runs a click on the queue in the tab that runs it; the sentence says what it did.
pub(super) fn apply_command(handle: RenderQueueHandle, command: &Command) -> String {
    let Some(project) = handle.deps.data.with_project_untracked() else {
        return "Open a project first.".to_owned();
    };
    let mut cancels = Vec::new();
    let said = handle.with_shared(|shared| {
        let Some(queue) = shared.queue.as_mut() else {
            shared.pending.push(command.clone());
            return "Queued: the render queue starts in a moment.".to_owned();
        };
        if let Some((scope, takes)) = scope_of(command) {
            if queue.is_finished() {
                // A new run starts from a clean slate; the last one's summary goes.
                queue.dismiss_ended();
            }
            let mut fresh = || uuid::Uuid::new_v4().to_string();
            return match queue.enqueue(&project, &scope, takes, now_ms() as i64, &mut fresh) {
                Ok(report) => super::view::enqueue_sentence(&project, &report),
                Err(problem) => problem.to_string(),
            };
        }
        match command {
            Command::Pause => queue.pause(),
            Command::Resume => queue.resume(),
            Command::Stop => cancels = queue.stop(),
            Command::MoveToFront { entry } => {
                queue.move_to_front(&EntryId::new(entry.clone()));
            }
            Command::Remove { entry } => cancels = queue.remove(&EntryId::new(entry.clone())),
            Command::Dismiss => {
                queue.dismiss_ended();
                shared.notice = None;
            }
            Command::EnqueueAll | Command::EnqueueScene { .. } | Command::EnqueueShot { .. } => {}
        }
        String::new()
    });
    cancel(handle, &cancels);
    said
}

fn left_the_queue(entries: usize) -> String {
    format!("{entries} shot(s) left the render queue: their shot or its workflow profile was deleted.")
}

fn cancel(handle: RenderQueueHandle, jobs: &[ServerJob]) {
    for job in jobs {
        handle.deps.generation.cancel(job.job.as_str());
    }
}

/// One pass of the running tab.
async fn pass(handle: RenderQueueHandle, project_id: &ProjectId) {
    // Borrowed, not copied: a pass runs twice a second over what may be a long project.
    let pruned = handle.deps.data.read_untracked(|project| {
        (&project.id == project_id)
            .then(|| handle.with_shared(|shared| shared.queue.as_mut().map(|queue| queue.prune(project))))
    });
    let Some(pruned) = pruned.flatten() else {
        return;
    };
    if let Some(pruned) = pruned {
        cancel(handle, &pruned.cancel);
        if !pruned.removed.is_empty() {
            handle.with_shared(|shared| shared.notice = Some(left_the_queue(pruned.removed.len())));
        }
    }
    follow_jobs(handle).await;
    let servers = queue_servers(handle).await;
    let placements = handle.with_shared(|shared| {
        shared.servers = servers.clone();
        let queue = shared.queue.as_mut()?;
        let mut fresh = || uuid::Uuid::new_v4().to_string();
        let placements = queue.place_next(&servers, &mut fresh);
        for placement in &placements {
            shared.submitting.insert(placement.job.as_str().to_owned());
        }
        Some(placements)
    });
    let Some(placements) = placements else { return };
    let written = write(handle, project_id).await;
    if !written && !placements.is_empty() {
        handle.with_shared(|shared| {
            shared.notice = Some(
                "The render queue could not be saved in this browser: a reload now would forget the shots it has not sent yet."
                    .to_owned(),
            );
        });
    }
    for placement in placements {
        spawn_local(submit(handle, placement));
    }
    handle.bump();
}

/// Writes what changed; true when it landed (or there is no database to write to).
async fn write(handle: RenderQueueHandle, project_id: &ProjectId) -> bool {
    let Some(changes) = handle.with_shared(|shared| shared.queue.as_mut().map(RenderQueue::drain_changes))
    else {
        return true;
    };
    if changes.is_empty() {
        return true;
    }
    let Some(storage) = handle.deps.storage else {
        return true;
    };
    let written = storage
        .write_queue_changes(&changes, project_id.as_str())
        .await
        .is_ok();
    if written {
        channel::announce_change(project_id);
    }
    written
}

/// Submits one take under the job id the queue stored for it.
async fn submit(handle: RenderQueueHandle, placement: Placement) {
    let Deps {
        generation,
        workflows,
        ..
    } = handle.deps;
    let several = handle.with_shared(|shared| {
        shared
            .queue
            .as_ref()
            .and_then(|queue| queue.entry(&placement.entry))
            .is_some_and(|entry| entry.takes_wanted > 1)
    });
    let take = TakeRequest {
        job: Some(placement.job.as_str().to_owned()),
        fresh_seed: several,
    };
    let outcome = workflows
        .generate_take(generation, &placement.shot, &placement.server, take, |_| {})
        .await;
    handle.with_shared(|shared| {
        shared.submitting.remove(placement.job.as_str());
        if let (Err(problem), Some(queue)) = (&outcome, shared.queue.as_mut()) {
            queue.report(
                &placement.job,
                TakeReport::Refused {
                    reason: problem.to_string(),
                },
                now_ms() as i64,
            );
        }
    });
    handle.bump();
}

/// The job ids of the queue's takes in a state `keep` accepts, but for those this page is
/// submitting right now (their job may not exist yet).
fn takes_not_being_sent(handle: RenderQueueHandle, keep: impl Fn(&TakeState) -> bool) -> Vec<JobId> {
    handle.with_shared(|shared| {
        let Some(queue) = shared.queue.as_ref() else {
            return Vec::new();
        };
        queue
            .entries()
            .iter()
            .flat_map(|entry| &entry.takes)
            .filter(|take| keep(&take.state))
            .filter(|take| !shared.submitting.contains(take.job.as_str()))
            .map(|take| take.job.clone())
            .collect()
    })
}

/// Whether a take the queue thinks is on a server has a job that has finished.
fn a_take_ended(handle: RenderQueueHandle) -> bool {
    let generation = handle.deps.generation;
    handle.with_shared(|shared| {
        shared.queue.as_ref().is_some_and(|queue| {
            queue
                .entries()
                .iter()
                .flat_map(|entry| &entry.takes)
                .filter(|take| take.state.is_in_flight())
                .filter_map(|take| generation.job(take.job.as_str()))
                .any(|view| view.with_untracked(|view| view.state.is_terminal()))
        })
    })
}

/// Folds each take's job state into the queue. A take recorded as submitting whose job
/// this page neither follows nor is sending is looked up in storage (another tab's, or
/// this page's before a reload); not stored means its POST was never sent.
async fn follow_jobs(handle: RenderQueueHandle) {
    let in_flight = takes_not_being_sent(handle, TakeState::is_in_flight);
    let generation = handle.deps.generation;
    for job in in_flight {
        let report = match generation.job(job.as_str()) {
            Some(view) => view.with_untracked(|view| report_of(&view.state)),
            None if generation.follow_stored(job.as_str()).await => None,
            None => {
                let still_unsent = handle.with_shared(|shared| !shared.submitting.contains(job.as_str()));
                still_unsent.then(|| TakeReport::Unreached {
                    reason: "the page closed before this take was sent".to_owned(),
                })
            }
        };
        if let Some(report) = report {
            handle.with_shared(|shared| {
                if let Some(queue) = shared.queue.as_mut() {
                    let at = queue
                        .entries()
                        .iter()
                        .flat_map(|entry| &entry.takes)
                        .find(|take| take.job == job)
                        .map(|take| take.state.clone());
                    // Started before ended, so the run's duration is measured.
                    if matches!(report, TakeReport::Ended(TakeEnd::Done))
                        && matches!(at, Some(TakeState::Submitting | TakeState::Queued))
                    {
                        queue.report(&job, TakeReport::Started, now_ms() as i64);
                    }
                    queue.report(&job, report, now_ms() as i64);
                }
            });
        }
    }
}

/// What the queue needs to hear about a job in `state`.
fn report_of(state: &JobState) -> Option<TakeReport> {
    Some(match state {
        JobState::Submitting => return None,
        JobState::Queued { .. } => TakeReport::Accepted,
        JobState::Running(_) | JobState::FetchingOutputs { .. } => TakeReport::Started,
        JobState::Done { .. } => TakeReport::Ended(TakeEnd::Done),
        JobState::Failed {
            kind: FailureKind::SubmitRefused { status: 0 },
            message,
            ..
        } => TakeReport::Unreached {
            reason: message.clone(),
        },
        JobState::Failed {
            kind: FailureKind::SubmitRefused { .. },
            message,
            ..
        } => TakeReport::Refused {
            reason: message.clone(),
        },
        JobState::Failed { message, .. } => TakeReport::Ended(TakeEnd::Failed {
            reason: message.clone(),
        }),
        JobState::Cancelled => TakeReport::Ended(TakeEnd::Cancelled),
        // Never reached ComfyUI: the queue sends the take again, no click needed.
        JobState::Lost {
            reason: LostReason::SubmitInterrupted,
        } => TakeReport::Unreached {
            reason: lost_reason(LostReason::SubmitInterrupted).to_owned(),
        },
        JobState::Lost { reason } => TakeReport::Ended(TakeEnd::Lost {
            reason: lost_reason(*reason).to_owned(),
        }),
    })
}

fn lost_reason(reason: LostReason) -> &'static str {
    match reason {
        LostReason::ServerRestarted => "the server restarted and forgot it",
        LostReason::Vanished => "the server no longer knows it (its queue or history was cleared)",
        LostReason::ServerUnreachable => "its server stopped answering",
        LostReason::SubmitInterrupted => "the page reloaded before ComfyUI had it",
        LostReason::HistoryCleared => "ComfyUI's history of it was cleared before its outputs were read",
    }
}

/// The servers a take may go to: the pool's members, or the active server alone, as the
/// pool sees them (`Pool::members_now`, as for a single Generate), with the waiting
/// entries' profiles checked and this queue's own takes left out of their jobs.
async fn queue_servers(handle: RenderQueueHandle) -> Vec<QueueServer> {
    let Deps { pool, servers, .. } = handle.deps;
    let active = servers.server.get_untracked();
    let members = pool.open_members(&active);
    let (profiles, withdraw) = handle.with_shared(|shared| {
        let Some(queue) = shared.queue.as_ref() else {
            return (Vec::new(), Vec::new());
        };
        let mut profiles: Vec<ProfileId> = queue
            .entries()
            .iter()
            .filter(|entry| entry.takes_to_place() > 0)
            .map(|entry| entry.profile.clone())
            .collect();
        profiles.sort();
        profiles.dedup();
        // A server that left the pool: takes waiting in its queue go elsewhere.
        let withdraw: Vec<ServerUrl> = match &members {
            Some(members) => queue
                .entries()
                .iter()
                .flat_map(|entry| &entry.takes)
                .filter(|take| take.state == TakeState::Queued && !members.contains(&take.server))
                .map(|take| take.server.clone())
                .collect(),
            None => Vec::new(),
        };
        (profiles, withdraw)
    });
    for server in withdraw {
        let cancels = handle.with_shared(|shared| {
            shared
                .queue
                .as_mut()
                .map(|queue| queue.withdraw_from_server(&server))
                .unwrap_or_default()
        });
        if !cancels.is_empty() {
            handle.with_shared(|shared| {
                shared.notice = Some(format!(
                    "{} take(s) waiting on {} were taken back to go to another server: it left the project's servers.",
                    cancels.len(),
                    server.display()
                ));
            });
        }
        cancel(handle, &cancels);
    }
    let members = members.unwrap_or_else(|| vec![active]);
    let is_own = |job: &JobId| {
        handle.with_shared(|shared| {
            shared.submitting.contains(job.as_str())
                || shared.queue.as_ref().is_some_and(|queue| queue.owns_job(job))
        })
    };
    pool.members_now(&members, &profiles)
        .await
        .iter()
        .map(|member| QueueServer::of_member(member, is_own))
        .collect()
}
