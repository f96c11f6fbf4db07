//! The open database: the Copy [`Storage`] handle every store method hangs off.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use gloo_timers::future::TimeoutFuture;
use rexie::Rexie;
use web_sys::DomException;

use super::error::StorageError;
use super::schema::{DB_VERSION, declare, upgrade_records};

/// The database the app uses; tests pass their own name to start from nothing.
pub const DB_NAME: &str = "shotline";

/// An open that has not finished by then is waiting on another tab that keeps an older
/// version open (the `blocked` event, which rexie does not surface). An unblocked open
/// takes milliseconds, even on a cold disk.
const OPEN_BLOCKED_AFTER_MS: u32 = 5_000;

/// A handle on an open database: an index into this thread's open databases. Leptos
/// contexts and callbacks need Copy + Send + Sync handles, while a connection is neither
/// Send nor Sync, so the connection stays in a thread-local and the handle only names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Storage {
    slot: usize,
}

thread_local! {
    /// A connection is opened once per page and lives as long as the page, so each is
    /// leaked to `'static` rather than counted; tests open one per database name.
    static OPEN: RefCell<Vec<&'static Inner>> = RefCell::default();
}

struct Inner {
    db: Rexie,
    /// Records left out of a read because they no longer parse, until someone asks.
    skipped: RefCell<Vec<StorageError>>,
    /// A DOMException name media writes fail with instead of writing (test seam).
    media_write_fault: RefCell<Option<String>>,
}

impl Storage {
    /// Opens (creating or upgrading) the database `name`. When another tab upgrades it
    /// later, this connection closes itself (rexie answers `versionchange` by closing) and
    /// every call fails with [`StorageError::VersionChange`] instead of hanging.
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let db = within_ms(declare(name).build(), OPEN_BLOCKED_AFTER_MS)
            .await
            .ok_or(StorageError::Blocked)?
            .map_err(|error| StorageError::from_open(error, DB_VERSION))?;
        upgrade_records(&db).await?;
        let inner: &'static Inner = Box::leak(Box::new(Inner {
            db,
            skipped: RefCell::default(),
            media_write_fault: RefCell::default(),
        }));
        let slot = OPEN.with_borrow_mut(|open| {
            open.push(inner);
            open.len() - 1
        });
        Ok(Self { slot })
    }

    /// Damaged records skipped by reads since the last call, oldest first.
    pub fn take_skipped_records(&self) -> Vec<StorageError> {
        self.inner().map(|inner| inner.skipped.take()).unwrap_or_default()
    }

    /// Makes every later media write fail as if the browser threw a DOMException named
    /// `name` (e.g. `"QuotaExceededError"`), or restores normal writes with `None`. Browsers
    /// offer no way to shrink a quota from a page, so tests and the benchmark use this to
    /// walk the "storage full" path through the same error classification as the real one.
    pub fn inject_media_write_failure(&self, name: Option<&str>) {
        if let Some(inner) = self.inner() {
            *inner.media_write_fault.borrow_mut() = name.map(str::to_owned);
        }
    }

    /// The connection; only a handle carried to another thread finds none.
    pub(super) fn db(&self) -> Result<&'static Rexie, StorageError> {
        self.inner()
            .map(|inner| &inner.db)
            .ok_or_else(|| StorageError::Unavailable {
                reason: "the database was opened on another thread".to_owned(),
            })
    }

    pub(super) fn report_skipped(&self, error: StorageError) {
        web_sys::console::warn_1(&format!("Shotline storage: {error}").into());
        if let Some(inner) = self.inner() {
            inner.skipped.borrow_mut().push(error);
        }
    }

    pub(super) fn injected_media_write_failure(&self) -> Option<StorageError> {
        let name = self.inner()?.media_write_fault.borrow().clone()?;
        let exception = DomException::new_with_message_and_name("injected write failure", &name).ok()?;
        Some(StorageError::from_dom_exception("save media", &exception))
    }
}

impl Storage {
    fn inner(&self) -> Option<&'static Inner> {
        OPEN.with_borrow(|open| open.get(self.slot).copied())
    }
}

/// The future's output, or `None` if it has not finished after `ms`.
async fn within_ms<T>(future: impl Future<Output = T>, ms: u32) -> Option<T> {
    let mut future = pin!(future);
    let mut timer = pin!(TimeoutFuture::new(ms));
    poll_fn(|cx| match future.as_mut().poll(cx) {
        Poll::Ready(value) => Poll::Ready(Some(value)),
        Poll::Pending => timer.as_mut().poll(cx).map(|()| None),
    })
    .await
}
