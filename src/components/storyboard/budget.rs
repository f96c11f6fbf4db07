//! Cards of a long storyboard appear a batch per frame after a project opens, so the page
//! answers at once instead of after one long task building every card.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::project::ProjectData;

/// Cards built before the first paint: more than a tall screen holds.
const FIRST_CARDS: usize = 24;
/// Cards added per step afterwards: each costs about 2 ms to build, so a step stays well
/// under the 50 ms that makes a task "long".
const CARDS_PER_STEP: usize = 12;
/// One frame between steps, so the page paints and answers input in between.
const STEP_MS: u32 = 16;

/// How many shots (by number, across the project) have their card built.
#[derive(Clone, Copy)]
pub struct RenderBudget {
    limit: RwSignal<usize>,
}

impl RenderBudget {
    /// Grows the budget to every shot of each project opened; once done, new shots
    /// appear at once.
    pub fn provide(data: ProjectData) -> Self {
        let budget = Self {
            limit: RwSignal::new(FIRST_CARDS),
        };
        let round = StoredValue::new(0_u32);
        // Not the project itself: an edit must not start the cards over.
        let project_id = Memo::new(move |_| data.project_id());
        Effect::new(move |_| {
            // A new project (or the first one) starts again from the first screenful.
            project_id.track();
            round.update_value(|round| *round += 1);
            let this_round = round.get_value();
            budget.limit.set(FIRST_CARDS);
            spawn_local(async move {
                loop {
                    TimeoutFuture::new(STEP_MS).await;
                    // Another project opened meanwhile: its own round takes over.
                    if round.try_get_value() != Some(this_round) {
                        return;
                    }
                    let total = data.shot_total_untracked();
                    let next = budget.limit.get_untracked().saturating_add(CARDS_PER_STEP);
                    if next >= total {
                        budget.limit.try_set(usize::MAX);
                        return;
                    }
                    budget.limit.try_set(next);
                }
            });
        });
        provide_context(budget);
        budget
    }

    /// Whether the card of shot number `number` is built yet (tracked).
    pub fn allows(&self, number: usize) -> bool {
        number <= self.limit.get()
    }
}

pub fn use_render_budget() -> RenderBudget {
    expect_context()
}
