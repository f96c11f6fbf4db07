//! Seeds survive the browser's JSON: stored as decimal text, read back exact; records
//! written as numbers by earlier versions still read.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shotline_model::js_safe;
use shotline_model::project::{Seed, Shot, ShotId};

const TWO_POW_53_PLUS_1: u64 = (1 << 53) + 1;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    #[serde(with = "js_safe::integer")]
    seed: u64,
    #[serde(default, with = "js_safe::optional_integer")]
    fixed: Option<u64>,
    #[serde(with = "js_safe::json_text")]
    prompt: Value,
}

/// What IndexedDB does to a record: JSON text → a JS value (numbers become f64) → JSON
/// text. A JSON number here goes through f64 just as `JSON.parse` does.
fn through_the_browser(text: &str) -> String {
    fn as_js(value: Value) -> Value {
        match value {
            Value::Number(number) => json!(number.as_f64().unwrap()),
            Value::Array(items) => Value::Array(items.into_iter().map(as_js).collect()),
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, as_js(v))).collect()),
            other => other,
        }
    }
    as_js(serde_json::from_str(text).unwrap()).to_string()
}

fn stored_and_read_back(seed: u64) -> Record {
    let record = Record {
        seed,
        fixed: Some(seed),
        prompt: json!({"3": {"class_type": "KSampler", "inputs": {"seed": seed}}}),
    };
    let text = serde_json::to_string(&record).unwrap();
    serde_json::from_str(&through_the_browser(&text)).unwrap()
}

#[test]
fn seeds_at_the_edges_of_u64_come_back_from_the_browser_exact() {
    for seed in [u64::MAX, 0, TWO_POW_53_PLUS_1, 4_847_631_105_726_240_259] {
        let back = stored_and_read_back(seed);
        assert_eq!((back.seed, back.fixed), (seed, Some(seed)), "{seed}");
        assert_eq!(back.prompt["3"]["inputs"]["seed"].as_u64(), Some(seed), "{seed}");
    }
}

#[test]
fn a_plain_number_would_have_been_rounded_by_the_browser() {
    // What the fix is for: the same trip without the helpers changes the seed.
    let text = json!({"seed": 4_847_631_105_726_240_259_u64}).to_string();
    let back: Value = serde_json::from_str(&through_the_browser(&text)).unwrap();
    assert_ne!(back["seed"].as_u64(), Some(4_847_631_105_726_240_259));
}

#[test]
fn seeds_are_written_as_decimal_text_and_the_prompt_as_json_text() {
    let text = serde_json::to_string(&Record {
        seed: u64::MAX,
        fixed: None,
        prompt: json!({"seed": u64::MAX}),
    })
    .unwrap();
    assert_eq!(
        text,
        r#"{"seed":"18446744073709551615","fixed":null,"prompt":"{\"seed\":18446744073709551615}"}"#
    );
}

#[test]
fn old_numeric_records_still_read_with_the_value_they_kept() {
    let old: Record = serde_json::from_str(
        r#"{"seed": 4847631105726241000, "fixed": 7, "prompt": {"3": {"inputs": {"seed": 4847631105726241000}}}}"#,
    )
    .unwrap();
    assert_eq!(old.seed, 4_847_631_105_726_241_000);
    assert_eq!(old.fixed, Some(7));
    assert_eq!(
        old.prompt["3"]["inputs"]["seed"].as_u64(),
        Some(4_847_631_105_726_241_000)
    );
}

#[test]
fn an_old_record_of_a_seed_near_u64_max_reads_as_u64_max_not_an_error() {
    // JSON.stringify writes 2^64 - 1 (rounded to 2^64) as this, which overflows u64.
    let old: Record = serde_json::from_str(r#"{"seed": 18446744073709552000, "prompt": {}}"#).unwrap();
    assert_eq!((old.seed, old.fixed), (u64::MAX, None));
}

#[test]
fn strings_numbers_and_nonsense_read_as_they_should() {
    let read = |seed: Value| serde_json::from_value::<Record>(json!({"seed": seed, "prompt": {}}));
    assert_eq!(read(json!("42")).unwrap().seed, 42);
    assert_eq!(read(json!(42.0)).unwrap().seed, 42);
    for bad in [
        json!(-1),
        json!(1.5),
        json!("18446744073709551616"),
        json!("abc"),
        json!(null),
    ] {
        assert!(read(bad.clone()).is_err(), "{bad}");
    }
}

#[test]
fn a_fixed_shot_seed_of_u64_max_survives_a_stored_project_shot() {
    let mut shot = Shot::empty(ShotId::new("shot-1"));
    shot.seed = Seed::Fixed(u64::MAX);
    let text = serde_json::to_string(&shot).unwrap();
    assert!(
        text.contains(r#""seed":{"fixed":"18446744073709551615"}"#),
        "{text}"
    );
    let back: Shot = serde_json::from_str(&through_the_browser(&text)).unwrap();
    assert_eq!(back.seed, Seed::Fixed(u64::MAX));
    let old: Shot = serde_json::from_value(json!({
        "id": "shot-1", "prompt": "", "duration_s": 4.0, "seed": {"fixed": 42}
    }))
    .unwrap();
    assert_eq!(old.seed, Seed::Fixed(42));
}
