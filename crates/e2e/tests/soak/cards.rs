//! The per-card records of observe.js, kept by the test across reloads: a reload starts
//! the page's records afresh, so each document's records are folded into what earlier
//! documents saw of the same card.

use std::collections::BTreeMap;

use serde_json::Value;

/// One shot card as observe.js recorded it, or as several documents did, folded.
#[derive(Debug, Clone)]
pub struct Card {
    pub label: String,
    pub text: String,
    pub first_ms: u64,
    pub last_ms: u64,
    pub final_ms: Option<u64>,
    pub gap_ms: u64,
    pub gap_from: String,
    pub gap_to: String,
    pub host: Option<String>,
    pub words: Vec<String>,
    pub reopened: u64,
    pub now_ms: u64,
}

impl Card {
    pub fn from_json(value: &Value) -> Option<Self> {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let number = |key: &str| value.get(key).and_then(Value::as_f64).map(|n| n as u64);
        Some(Self {
            label: text("label"),
            text: text("text"),
            first_ms: number("first_ms")?,
            last_ms: number("last_ms")?,
            final_ms: number("final_ms"),
            gap_ms: number("gap_ms").unwrap_or_default(),
            gap_from: text("gap_from"),
            gap_to: text("gap_to"),
            host: value.get("host").and_then(Value::as_str).map(str::to_owned),
            words: value
                .get("words")
                .and_then(Value::as_array)
                .map(|words| {
                    words
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            reopened: number("reopened").unwrap_or_default(),
            now_ms: number("now_ms")?,
        })
    }

    pub fn state_word(&self) -> &str {
        self.text.split([' ', '—']).next().unwrap_or_default()
    }

    pub fn is_final(&self) -> bool {
        self.final_ms.is_some()
    }

    /// This card as an earlier document saw it, followed by what a later one saw. The
    /// later document's first record is the card as it rendered after the reload, not a
    /// change: the same words as before keep their time.
    fn followed_by(&self, later: &Card) -> Card {
        let continues = later.words.first().map(String::as_str) == self.words.last().map(String::as_str);
        let mut words = self.words.clone();
        words.extend(later.words.iter().skip(usize::from(continues)).cloned());
        let unchanged = later.text == self.text;
        // A final state the reload showed live again is a reopening as much as one within
        // a document.
        let reopened_by_reload =
            self.is_final() && later.words.first().is_some_and(|word| !is_final_word(word));
        let silence_over_reload =
            (!unchanged && !self.is_final()).then(|| later.first_ms.saturating_sub(self.last_ms));
        let (gap_ms, gap_from, gap_to) = [
            (self.gap_ms, &self.gap_from, &self.gap_to),
            (later.gap_ms, &later.gap_from, &later.gap_to),
            (silence_over_reload.unwrap_or(0), &self.text, &later.text),
        ]
        .into_iter()
        .max_by_key(|(gap, _, _)| *gap)
        .map(|(gap, from, to)| (gap, from.clone(), to.clone()))
        .unwrap_or_default();
        Card {
            label: later.label.clone(),
            text: later.text.clone(),
            first_ms: self.first_ms.min(later.first_ms),
            last_ms: if unchanged && later.last_ms == later.first_ms {
                self.last_ms
            } else {
                later.last_ms
            },
            final_ms: match (self.final_ms, later.final_ms) {
                (Some(before), Some(_)) if unchanged => Some(before),
                (_, now) => now,
            },
            gap_ms,
            gap_from,
            gap_to,
            host: later.host.clone().or_else(|| self.host.clone()),
            words,
            reopened: self.reopened + later.reopened + u64::from(reopened_by_reload),
            now_ms: later.now_ms,
        }
    }
}

pub fn is_final_word(word: &str) -> bool {
    matches!(word, "Done" | "Failed" | "Cancelled" | "Lost")
}

/// One card across documents: what earlier documents saw, folded, and the current one's
/// latest record.
#[derive(Debug)]
struct Record {
    earlier: Option<Card>,
    page: String,
    current: Card,
}

/// Every card any document of the run showed with a job.
#[derive(Debug, Default)]
pub struct Records {
    cards: BTreeMap<String, Record>,
    page: String,
    since_ms: u64,
}

impl Records {
    /// The arguments for observe.js's `cards(since_page, since_ms)`: what changed since
    /// the last answer absorbed.
    pub fn since(&self) -> (String, u64) {
        (self.page.clone(), self.since_ms)
    }

    /// Folds one answer of `cards(…)` in; `false` if it was not one.
    pub fn absorb(&mut self, answer: &Value) -> bool {
        let (Some(page), Some(now_ms), Some(cards)) = (
            answer.get("page").and_then(Value::as_str),
            answer.get("now_ms").and_then(Value::as_f64),
            answer.get("cards").and_then(Value::as_array),
        ) else {
            return false;
        };
        for card in cards.iter().filter_map(Card::from_json) {
            match self.cards.get_mut(&card.label) {
                Some(record) if record.page == page => record.current = card,
                Some(record) => {
                    let folded = match &record.earlier {
                        Some(earlier) => earlier.followed_by(&record.current),
                        None => record.current.clone(),
                    };
                    record.earlier = Some(folded);
                    record.page = page.to_owned();
                    record.current = card;
                }
                None => {
                    let record = Record {
                        earlier: None,
                        page: page.to_owned(),
                        current: card,
                    };
                    self.cards.insert(record.current.label.clone(), record);
                }
            }
        }
        page.clone_into(&mut self.page);
        self.since_ms = now_ms as u64;
        true
    }

    /// Every card, folded across documents.
    pub fn cards(&self) -> Vec<Card> {
        self.cards
            .values()
            .map(|record| match &record.earlier {
                Some(earlier) => earlier.followed_by(&record.current),
                None => record.current.clone(),
            })
            .collect()
    }

    pub fn finished(&self) -> usize {
        self.cards().iter().filter(|card| card.is_final()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(page: &str, now_ms: u64, cards: Value) -> Value {
        json!({ "page": page, "now_ms": now_ms, "cards": cards })
    }

    fn seen(text: &str, first_ms: u64, last_ms: u64, final_ms: Option<u64>, words: &[&str]) -> Value {
        json!({ "label": "Shot 1", "text": text, "first_ms": first_ms, "last_ms": last_ms,
                "final_ms": final_ms, "now_ms": last_ms, "words": words })
    }

    #[test]
    fn a_card_seen_before_and_after_a_reload_keeps_its_start_and_every_state() {
        let mut records = Records::default();
        records.absorb(&answer(
            "a",
            20,
            json!([seen("Queued on x", 10, 20, None, &["Submitting", "Queued"])]),
        ));
        records.absorb(&answer(
            "b",
            40,
            json!([seen("Done in 1 s", 30, 35, Some(35), &["Queued", "Done"])]),
        ));
        let card = &records.cards()[0];
        assert_eq!(card.first_ms, 10);
        assert_eq!(card.final_ms, Some(35));
        assert_eq!(card.words, ["Submitting", "Queued", "Done"]);
        assert_eq!(card.reopened, 0);
    }

    #[test]
    fn a_final_state_shown_again_after_a_reload_keeps_its_time() {
        let mut records = Records::default();
        records.absorb(&answer(
            "a",
            20,
            json!([seen("Done in 1 s", 10, 15, Some(15), &["Done"])]),
        ));
        records.absorb(&answer(
            "b",
            40,
            json!([seen("Done in 1 s", 30, 30, Some(30), &["Done"])]),
        ));
        records.absorb(&answer(
            "c",
            60,
            json!([seen("Done in 1 s", 50, 50, Some(50), &["Done"])]),
        ));
        let card = &records.cards()[0];
        assert_eq!((card.final_ms, card.last_ms), (Some(15), 15));
        assert_eq!(card.words, ["Done"]);
    }

    #[test]
    fn a_final_state_that_a_reload_shows_live_counts_as_reopened() {
        let mut records = Records::default();
        records.absorb(&answer(
            "a",
            20,
            json!([seen("Lost — x", 10, 15, Some(15), &["Lost"])]),
        ));
        records.absorb(&answer(
            "b",
            40,
            json!([seen("Queued on x", 30, 30, None, &["Queued"])]),
        ));
        let card = &records.cards()[0];
        assert!(!card.is_final());
        assert_eq!(card.reopened, 1);
    }
}
