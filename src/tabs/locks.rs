//! The Web Locks API (`navigator.locks`), bound here because web-sys keeps it behind
//! `--cfg=web_sys_unstable_apis`. Locks are shared by every tab of one origin and are
//! released by the browser when their tab closes or crashes, which makes them the one
//! reliable "is that tab still there" signal.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures_channel::oneshot;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method, js_name = request)]
    fn request_with_options(this: &LockManager, name: &str, options: &Object, callback: &Function)
    -> Promise;

    #[wasm_bindgen(method)]
    fn query(this: &LockManager) -> Promise;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// A lock this tab holds until the value is dropped (or the tab ends).
pub struct HeldLock {
    _release: oneshot::Sender<()>,
}

/// What asking for a lock without waiting gave.
pub enum Claim {
    Held(HeldLock),
    /// Another tab holds it.
    Taken,
    /// This browser has no Web Locks (or refused the request): nobody can know.
    Unsupported,
}

/// Takes `name` exclusively if no tab holds it, and keeps it until the [`HeldLock`] goes.
pub async fn claim(name: &str) -> Claim {
    let Some(locks) = lock_manager() else {
        return Claim::Unsupported;
    };
    let (granted_tx, granted_rx) = oneshot::channel::<Option<oneshot::Sender<()>>>();
    let granted_tx = Rc::new(RefCell::new(Some(granted_tx)));
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let Some(granted) = granted_tx.borrow_mut().take() else {
            return JsValue::UNDEFINED;
        };
        if lock.is_null() {
            let _ = granted.send(None);
            return JsValue::UNDEFINED;
        }
        let (release, released) = oneshot::channel::<()>();
        let _ = granted.send(Some(release));
        // The lock lasts as long as this promise is pending: until the sender is dropped.
        wasm_bindgen_futures::future_to_promise(async move {
            let _ = released.await;
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    let options = Object::new();
    if Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).is_err() {
        return Claim::Unsupported;
    }
    let request = locks.request_with_options(name, &options, callback.unchecked_ref());
    // The request's own promise settles only when the lock is released; a rejection
    // (e.g. a sandboxed frame) shows up as the callback never being called.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(request).await;
    });
    match granted_rx.await {
        Ok(Some(release)) => Claim::Held(HeldLock { _release: release }),
        Ok(None) => Claim::Taken,
        Err(_) => Claim::Unsupported,
    }
}

/// Runs `work` while holding `name` exclusively, waiting for any tab that holds it.
/// Without Web Locks, `work` runs at once.
pub async fn exclusive<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> T {
    let Some(locks) = lock_manager() else {
        return work.await;
    };
    let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let (started_tx, started_rx) = oneshot::channel::<()>();
    let work = Rc::new(RefCell::new(Some((work, started_tx))));
    let result = Rc::clone(&slot);
    let pending = Rc::clone(&work);
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let Some((work, started)) = pending.borrow_mut().take() else {
            return JsValue::UNDEFINED;
        };
        let _ = started.send(());
        wasm_bindgen_futures::future_to_promise(async move {
            let value = work.await;
            *result.borrow_mut() = Some(value);
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    let request = locks.request_with_options(name, &Object::new(), callback.unchecked_ref());
    let settled = JsFuture::from(request).await;
    if let Some(value) = slot.borrow_mut().take() {
        return value;
    }
    // The browser refused the request before running the callback: run it unlocked.
    drop(settled);
    drop(started_rx);
    let Some((work, _)) = work.borrow_mut().take() else {
        unreachable!("the lock's callback ran but left no result");
    };
    work.await
}

/// Names of the locks some tab of this origin holds; `None` without Web Locks.
pub async fn held_names() -> Option<Vec<String>> {
    let snapshot = JsFuture::from(lock_manager()?.query()).await.ok()?;
    let held: Array = Reflect::get(&snapshot, &"held".into()).ok()?.dyn_into().ok()?;
    Some(
        held.iter()
            .filter_map(|info| Reflect::get(&info, &"name".into()).ok()?.as_string())
            .collect(),
    )
}
