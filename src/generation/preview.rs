//! Live previews as object URLs: one per running job, replaced, never accumulated.

use std::cell::Cell;

thread_local! {
    static LIVE_PREVIEWS: Cell<usize> = const { Cell::new(0) };
}

/// Object URLs currently held for previews (bounded memory: at most one per running job).
pub fn live_preview_count() -> usize {
    LIVE_PREVIEWS.with(Cell::get)
}

/// An object URL for preview bytes, revoked when dropped.
#[derive(Debug)]
pub(super) struct PreviewUrl(String);

impl PreviewUrl {
    pub(super) fn new(bytes: &[u8], mime: &str) -> Option<Self> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        LIVE_PREVIEWS.with(|live| live.set(live.get() + 1));
        Some(Self(url))
    }

    pub(super) fn url(&self) -> &str {
        &self.0
    }
}

impl Drop for PreviewUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
        LIVE_PREVIEWS.with(|live| live.set(live.get().saturating_sub(1)));
    }
}
