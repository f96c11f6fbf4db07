//! Small settings that must be there before anything else loads (the server address), kept
//! in localStorage: synchronous, so the first paint already knows which server to ask.

const SERVER_URL_KEY: &str = "shotline.server_url";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The address the user last connected to, as typed; `None` before the first change.
pub fn load_server_url() -> Option<String> {
    local_storage()?.get_item(SERVER_URL_KEY).ok().flatten()
}

/// Remembers the address. Private-mode browsers may refuse: the app then works for this
/// visit and starts from the default next time, which is all that can be done.
pub fn save_server_url(url: &str) {
    if let Some(storage) = local_storage()
        && storage.set_item(SERVER_URL_KEY, url).is_err()
    {
        web_sys::console::warn_1(&"Shotline: the browser refused to remember the server address".into());
    }
}

const CLIENT_ID_KEY: &str = "shotline.client_id";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// This tab's clientId on every ComfyUI socket: made once per tab and kept across its
/// reloads (sessionStorage), because ComfyUI sends a prompt's events only to the clientId
/// that submitted it, so a reload with a new id would never hear about work already
/// running. One per *tab*, not per browser: ComfyUI keeps one socket per clientId
/// (`server.py`: a second connection with the id replaces the first in its table, so the
/// first tab would hear nothing more while another tab has the project open; issue 16).
pub fn client_id() -> String {
    let storage = session_storage();
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(CLIENT_ID_KEY).ok().flatten())
        && !id.is_empty()
    {
        return id;
    }
    new_client_id()
}

/// Makes and keeps a fresh clientId for this tab: on its first visit, and when the one
/// it has is another tab's ("Duplicate tab" copies sessionStorage, id included).
pub fn new_client_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(CLIENT_ID_KEY, &id);
    }
    // The id every tab shared before, no longer used.
    if let Some(local) = local_storage() {
        let _ = local.remove_item(CLIENT_ID_KEY);
    }
    id
}
