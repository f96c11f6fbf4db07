//! Finished prompts, in insertion order and capped like ComfyUI's `MAXIMUM_HISTORY_SIZE`.

use indexmap::IndexMap;
use serde_json::Value;

/// ComfyUI 0.3.64 keeps at most this many history entries in memory.
pub const MAXIMUM_HISTORY_ENTRIES: usize = 10_000;

#[derive(Debug, Default)]
pub struct History {
    entries: IndexMap<String, Value>,
}

impl History {
    /// Stores an entry; a reused prompt_id overwrites in place, as trace c shows.
    pub fn insert(&mut self, prompt_id: String, entry: Value) {
        self.entries.insert(prompt_id, entry);
        while self.entries.len() > MAXIMUM_HISTORY_ENTRIES {
            self.entries.shift_remove_index(0);
        }
    }

    pub fn get(&self, prompt_id: &str) -> Option<&Value> {
        self.entries.get(prompt_id)
    }

    pub fn delete(&mut self, prompt_ids: &[String]) {
        for prompt_id in prompt_ids {
            self.entries.shift_remove(prompt_id);
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `GET /history`: without `offset` the newest `max_items` in oldest-first order, with it
    /// `max_items` entries counted from the oldest (trace m_misc). An `IndexMap`, not a JSON
    /// object: serde_json's `Map` sorts its keys, and the order is the one the prompts finished
    /// in (trace d: p0, p6, p5, p1, ...), which clients read as "newest last".
    pub fn page(&self, max_items: Option<usize>, offset: Option<usize>) -> IndexMap<String, Value> {
        let start = match (offset, max_items) {
            (Some(offset), _) => offset,
            (None, Some(max_items)) => self.entries.len().saturating_sub(max_items),
            (None, None) => 0,
        };
        self.entries
            .iter()
            .skip(start)
            .take(max_items.unwrap_or(usize::MAX))
            .map(|(id, entry)| (id.clone(), entry.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn history_of(count: usize) -> History {
        let mut history = History::default();
        for index in 0..count {
            history.insert(format!("p{index}"), json!({"index": index}));
        }
        history
    }

    #[test]
    fn history_keeps_only_the_newest_ten_thousand_entries() {
        let history = history_of(MAXIMUM_HISTORY_ENTRIES + 5);
        assert_eq!(history.len(), MAXIMUM_HISTORY_ENTRIES);
        assert!(history.get("p4").is_none());
        assert!(history.get("p5").is_some());
    }

    #[test]
    fn max_items_returns_newest_entries_oldest_first() {
        let page = history_of(5).page(Some(2), None);
        assert_eq!(page.keys().collect::<Vec<_>>(), vec!["p3", "p4"]);
    }

    #[test]
    fn offset_counts_from_the_oldest_entry() {
        let history = history_of(5);
        assert_eq!(
            history.page(Some(1), Some(0)).keys().collect::<Vec<_>>(),
            vec!["p0"]
        );
        assert_eq!(
            history.page(Some(2), Some(1)).keys().collect::<Vec<_>>(),
            vec!["p1", "p2"]
        );
    }

    #[test]
    fn reused_prompt_id_overwrites_in_place() {
        let mut history = history_of(3);
        history.insert("p0".to_owned(), json!({"index": 9}));
        assert_eq!(
            history.page(None, None).keys().collect::<Vec<_>>(),
            vec!["p0", "p1", "p2"]
        );
        assert_eq!(history.get("p0"), Some(&json!({"index": 9})));
    }
}
