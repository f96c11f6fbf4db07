//! `use_render_queue()`: Generate scene / Generate all, and a Generate of several takes,
//! put durable entries in the open project's render queue. The rules are pure
//! (`shotline_model::render_queue`); this module stores the queue, runs it and shows it.
//!
//! One tab per project runs the queue (it holds the Web Lock `shotline.queue.<project>`):
//! it places takes on the pool's servers as they have room, writes each take's job id
//! before its POST, and follows the jobs to their end. The other tabs show what it stored
//! and hand their clicks to it over a BroadcastChannel; when it closes, the next tab in
//! line gets the lock, reads the queue and carries on, so no entry is lost and none is
//! submitted twice. A browser restart is a reload: the queue is in IndexedDB.

mod channel;
mod runner;
mod view;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;
use shotline_model::project::{ProjectId, SceneId, ShotId};
use shotline_model::render_queue::{EntryId, QueueServer, RenderQueue, Scope};
use wasm_bindgen_futures::spawn_local;

use super::{Generation, Pool, use_generation, use_pool};
use crate::project::{ProjectData, use_project_data};
use crate::servers::{Connection, use_servers};
use crate::storage::Storage;
use crate::workflows::{Workflows, use_workflows};
pub use channel::Command;
pub use view::{EntryLine, QueueView};

/// What this tab knows of the open project's queue.
#[derive(Default)]
struct Shared {
    queue: Option<RenderQueue>,
    /// This tab holds the project's queue lock and runs it.
    runs_here: bool,
    /// Bumped when the open project changes: the old runner and follower stop.
    epoch: u64,
    /// Takes whose submission this tab is making now (stage one of a two-stage shot can
    /// take minutes): their job is not in the engine yet, and that is not a lost POST.
    submitting: HashSet<String>,
    /// Another tab holds the queue lock (seen by the follower's last look).
    runner_elsewhere: bool,
    /// Clicks made before this tab knew who runs the queue: run when it starts here.
    pending: Vec<Command>,
    /// The servers as the last pass saw them, for the ETA.
    servers: Vec<QueueServer>,
    /// Something about the queue the person should know (records skipped, a write that
    /// failed, entries removed because their shot was deleted).
    notice: Option<String>,
}

type SharedRef = Rc<RefCell<Shared>>;

/// The handles the runner needs, taken once where the contexts are reachable.
#[derive(Clone, Copy)]
struct Deps {
    data: ProjectData,
    generation: Generation,
    workflows: Workflows,
    pool: Pool,
    servers: Connection,
    storage: Option<Storage>,
}

#[derive(Clone, Copy)]
pub struct RenderQueueHandle {
    shared: StoredValue<SharedRef, LocalStorage>,
    /// Bumped whenever the queue changed: views read it again.
    changed: RwSignal<u64>,
    deps: Deps,
}

/// Installs the render queue of the open project, over the handles already provided
/// (project data, generation, workflows, pool, servers, and the database when open).
pub fn provide_render_queue() -> RenderQueueHandle {
    let deps = Deps {
        data: use_project_data(),
        generation: use_generation(),
        workflows: use_workflows(),
        pool: use_pool(),
        servers: use_servers(),
        storage: use_context::<Storage>(),
    };
    let data = deps.data;
    let handle = RenderQueueHandle {
        shared: StoredValue::new_local(Rc::new(RefCell::new(Shared::default()))),
        changed: RwSignal::new(0),
        deps,
    };
    channel::listen(handle);
    // Only a change of project restarts the runner, not every edit of this one.
    let open = Memo::new(move |_| data.project_id());
    Effect::new(move |_| {
        let Some(project) = open.get() else {
            return;
        };
        let epoch = handle.with_shared(|shared| {
            shared.epoch += 1;
            shared.queue = None;
            shared.runs_here = false;
            shared.notice = None;
            shared.epoch
        });
        handle.bump();
        spawn_local(runner::start(handle, project, epoch));
    });
    provide_context(handle);
    handle
}

pub fn use_render_queue() -> RenderQueueHandle {
    expect_context::<RenderQueueHandle>()
}

impl RenderQueueHandle {
    /// Queues every shot of the project (Generate all).
    pub fn generate_all(&self) -> String {
        self.send(Command::EnqueueAll)
    }

    pub fn generate_scene(&self, scene: &SceneId) -> String {
        self.send(Command::EnqueueScene {
            scene: scene.as_str().to_owned(),
        })
    }

    /// `takes` takes of one shot, each with its own seed (seed hunting).
    pub fn generate_takes(&self, shot: &ShotId, takes: u8) -> String {
        self.send(Command::EnqueueShot {
            shot: shot.as_str().to_owned(),
            takes,
        })
    }

    pub fn pause(&self) {
        self.send(Command::Pause);
    }

    pub fn resume(&self) {
        self.send(Command::Resume);
    }

    /// Drops what is not on a server yet and cancels what waits in a server's queue;
    /// running takes finish.
    pub fn stop(&self) {
        self.send(Command::Stop);
    }

    pub fn move_to_front(&self, entry: &EntryId) {
        self.send(Command::MoveToFront {
            entry: entry.as_str().to_owned(),
        });
    }

    pub fn remove(&self, entry: &EntryId) {
        self.send(Command::Remove {
            entry: entry.as_str().to_owned(),
        });
    }

    /// Forgets the entries that ended (the person closed the summary).
    pub fn dismiss(&self) {
        self.send(Command::Dismiss);
    }

    /// The queue as the views show it; tracked.
    pub fn view(&self) -> QueueView {
        self.changed.track();
        let handle = *self;
        let numbers = self
            .deps
            .data
            .with_project(view::shot_numbers)
            .unwrap_or_default();
        handle.with_shared(|shared| view::queue_view(shared, &numbers))
    }

    /// Runs the command here when this tab runs the queue, else hands it to the tab that
    /// does. Returns a sentence for the person (what was queued, what was not and why).
    fn send(&self, command: Command) -> String {
        let Some(project) = self.deps.data.project_id() else {
            return "Open a project first.".to_owned();
        };
        let (runs_here, elsewhere) = self.with_shared(|shared| (shared.runs_here, shared.runner_elsewhere));
        if runs_here {
            let said = runner::apply_command(*self, &command);
            self.bump();
            return said;
        }
        if elsewhere && channel::post(&project, &command) {
            return "Sent to the tab that runs this project's render queue.".to_owned();
        }
        self.with_shared(|shared| shared.pending.push(command));
        "Queued: the render queue starts in a moment.".to_owned()
    }

    fn with_shared<R>(&self, read: impl FnOnce(&mut Shared) -> R) -> R {
        self.shared.with_value(|shared| read(&mut shared.borrow_mut()))
    }

    fn bump(&self) {
        self.changed.try_update(|n| *n += 1);
    }

    fn project_is(&self, project: &ProjectId, epoch: u64) -> bool {
        self.with_shared(|shared| shared.epoch == epoch)
            && self.deps.data.project_id().as_ref() == Some(project)
    }
}

/// Which shots a command queues, in the pure queue's terms.
fn scope_of(command: &Command) -> Option<(Scope, u8)> {
    match command {
        Command::EnqueueAll => Some((Scope::All, 1)),
        Command::EnqueueScene { scene } => Some((Scope::Scene(SceneId::new(scene.clone())), 1)),
        Command::EnqueueShot { shot, takes } => Some((Scope::Shot(ShotId::new(shot.clone())), *takes)),
        _ => None,
    }
}
