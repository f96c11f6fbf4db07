//! This tab among the others of the same browser: which clientId is its own, and whether
//! the tab that submitted a job is still open. Each tab holds a Web Lock named after its
//! clientId for as long as it lives, so another tab can tell a job whose tab is open
//! (that tab fetches its outputs; the others read them from storage) from one whose tab
//! is gone (the first tab to get there fetches them).

mod locks;

pub use locks::{Claim, HeldLock, claim, exclusive, held_names};

use crate::storage::settings;

const TAB_LOCK_PREFIX: &str = "shotline.tab.";

/// This tab's clientId and the lock that tells other tabs it is open.
pub struct TabIdentity {
    pub client_id: String,
    _lock: Option<HeldLock>,
}

impl TabIdentity {
    /// The id kept in sessionStorage, unless another open tab already uses it (a
    /// duplicated tab inherits its original's sessionStorage): then a new one.
    pub async fn claim() -> Self {
        let kept = settings::client_id();
        match claim(&tab_lock(&kept)).await {
            Claim::Held(lock) => Self::held(kept, lock),
            Claim::Unsupported => Self::unlocked(kept),
            Claim::Taken => {
                let fresh = settings::new_client_id();
                match claim(&tab_lock(&fresh)).await {
                    Claim::Held(lock) => Self::held(fresh, lock),
                    Claim::Taken | Claim::Unsupported => Self::unlocked(fresh),
                }
            }
        }
    }

    /// Without Web Locks, or for an engine in tests: the kept id, announced to nobody.
    pub fn unlocked(client_id: String) -> Self {
        Self {
            client_id,
            _lock: None,
        }
    }

    fn held(client_id: String, lock: HeldLock) -> Self {
        Self {
            client_id,
            _lock: Some(lock),
        }
    }
}

/// Whether the tab with `client_id` is open now; `None` when the browser cannot tell.
pub async fn tab_is_open(client_id: &str) -> Option<bool> {
    let name = tab_lock(client_id);
    Some(held_names().await?.contains(&name))
}

fn tab_lock(client_id: &str) -> String {
    format!("{TAB_LOCK_PREFIX}{client_id}")
}
