//! Reading a logline without a model: who it is about, and a title.
//!
//! Loglines have a steady shape ("A retired lighthouse keeper discovers ..."): the subject
//! is the opening noun phrase, which ends at a comma, a relative or linking word, another
//! article, or the first verb. Verbs are guessed from a short list and from the
//! third-person "-s" that follows a singular subject or a plural noun.

/// Used when no subject can be found (a logline that starts with a verb).
const UNKNOWN_SUBJECT: &str = "the protagonist";
const MAX_SUBJECT_WORDS: usize = 6;
const MAX_TITLE_WORDS: usize = 5;

const ARTICLES: &[&str] = &["a", "an", "the"];
const PHRASE_ENDS: &[&str] = &[
    "who", "that", "which", "whose", "must", "is", "are", "was", "were", "has", "have", "had", "will",
    "would", "can", "could", "should", "to", "and", "but", "or", "after", "when", "while", "before", "as",
    "in", "on", "at", "with", "from", "into", "for", "of", "by", "discover", "find", "learn", "try", "want",
    "set", "go", "return", "fight", "meet", "face", "decide", "race", "struggle",
];

// Case folding is ASCII: the words compared against are English, and Rust's Unicode
// lower-case table would add ≈ 3 KB (brotli) to the first load (issue 8).

/// The opening noun phrase: "a retired lighthouse keeper", "Mara", "two sisters".
pub(crate) fn subject_of(logline: &str) -> String {
    let mut phrase: Vec<&str> = Vec::new();
    for raw in logline.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-');
        let lower = word.to_ascii_lowercase();
        let content_words = phrase
            .iter()
            .filter(|w| !ARTICLES.contains(&w.to_ascii_lowercase().as_str()))
            .count();
        let ends_phrase = PHRASE_ENDS.contains(&lower.as_str())
            || PHRASE_ENDS.contains(&lower.trim_end_matches('s'))
            || (!phrase.is_empty() && ARTICLES.contains(&lower.as_str()))
            || (content_words >= 2 && ends_in_single_s(&lower))
            || phrase
                .last()
                .is_some_and(|last| ends_in_single_s(&last.to_ascii_lowercase()));
        if word.is_empty() || ends_phrase {
            break;
        }
        phrase.push(word);
        if phrase.len() == MAX_SUBJECT_WORDS || raw.ends_with([',', ';', ':', '.', '!', '?']) {
            break;
        }
    }
    match phrase.split_first() {
        None => UNKNOWN_SUBJECT.to_owned(),
        Some((first, rest)) => {
            let first = if ARTICLES.contains(&first.to_ascii_lowercase().as_str()) {
                first.to_ascii_lowercase()
            } else {
                (*first).to_owned()
            };
            std::iter::once(first)
                .chain(rest.iter().map(|w| (*w).to_owned()))
                .collect::<Vec<_>>()
                .join(" ")
        }
    }
}

/// The logline's first words, as a working title the user will likely change.
pub(crate) fn title_from_logline(logline: &str) -> String {
    let clause = logline
        .split([',', '.', ';', ':', '!', '?'])
        .next()
        .unwrap_or_default();
    let words: Vec<&str> = clause.split_whitespace().collect();
    let mut title = words
        .iter()
        .take(MAX_TITLE_WORDS)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if words.len() > MAX_TITLE_WORDS {
        title.push('…');
    }
    if title.is_empty() {
        return "Untitled draft".to_owned();
    }
    capitalised(&title)
}

pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => upper_case(first) + chars.as_str(),
        None => String::new(),
    }
}

/// In the browser, its own Unicode case mapping: Rust's upper-case table would add
/// ≈ 6 KB (brotli) to the first load (issue 8), for one letter per title or summary.
#[cfg(target_arch = "wasm32")]
fn upper_case(letter: char) -> String {
    js_sys::JsString::from(letter).to_upper_case().into()
}

#[cfg(not(target_arch = "wasm32"))]
fn upper_case(letter: char) -> String {
    letter.to_uppercase().collect()
}

/// A verb after a subject of two words or more ("the old keeper | finds"), or a plural
/// noun, after which a noun phrase rarely goes on ("two sisters | inherit").
fn ends_in_single_s(word: &str) -> bool {
    word.len() > 3 && word.ends_with('s') && !word.ends_with("ss")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_the_opening_noun_phrase() {
        let cases = [
            (
                "A retired lighthouse keeper discovers a message in a bottle",
                "a retired lighthouse keeper",
            ),
            ("Two sisters inherit a haunted vineyard", "Two sisters"),
            ("Mara, a retired thief, takes one last job", "Mara"),
            ("The last samurai faces his past", "the last samurai"),
            ("A detective who cannot sleep hunts a killer", "a detective"),
            ("To save her village, a girl befriends a wolf", UNKNOWN_SUBJECT),
        ];
        for (logline, subject) in cases {
            assert_eq!(subject_of(logline), subject, "logline: {logline}");
        }
    }

    #[test]
    fn a_title_is_the_first_words_of_the_first_clause() {
        assert_eq!(title_from_logline("a keeper, alone"), "A keeper");
        assert_eq!(
            title_from_logline("a retired lighthouse keeper discovers a message"),
            "A retired lighthouse keeper discovers…"
        );
        assert_eq!(title_from_logline("  "), "Untitled draft");
    }

    #[test]
    fn titles_capitalise_letters_beyond_ascii() {
        assert_eq!(title_from_logline("élodie finds a door"), "Élodie finds a door");
        assert_eq!(title_from_logline("ßtraße ahead"), "SStraße ahead");
        assert_eq!(subject_of("THE old keeper finds a key"), "the old keeper");
    }
}
