//! The LLM settings, kept in localStorage beside the server address: they belong to this
//! browser (its local LLM), not to a project.

use shotline_draft::LlmSettings;

const LLM_SETTINGS_KEY: &str = "shotline.llm_settings";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved settings; the defaults (LM Studio's address) when none were saved or what
/// was saved no longer reads.
pub fn load_llm_settings() -> LlmSettings {
    local_storage()
        .and_then(|storage| storage.get_item(LLM_SETTINGS_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn save_llm_settings(settings: &LlmSettings) {
    let Ok(text) = serde_json::to_string(settings) else {
        return;
    };
    if let Some(storage) = local_storage()
        && storage.set_item(LLM_SETTINGS_KEY, &text).is_err()
    {
        web_sys::console::warn_1(&"Shotline: the browser refused to remember the LLM settings".into());
    }
}
