//! Shapes for stored data that survive the browser's JSON.
//!
//! Records reach IndexedDB through `JSON.parse` and come back through `JSON.stringify`
//! (src/storage/records.rs), which hold every number as an f64: a u64 above 2^53 comes
//! back rounded (4847631105726240259 as 4847631105726241000), and nearly every random
//! seed is that large. So seeds are written as decimal strings, and JSON that holds
//! seeds (the prompt sent) as JSON text. Readers still take the old numeric forms,
//! which carry whatever rounding they went through.

/// A u64 written as a decimal string; read from a string or any JSON number.
/// Use with `#[serde(with = "shotline_model::js_safe::integer")]`.
pub mod integer {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    /// 2^64 as an f64: the smallest float no u64 reaches.
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

    pub fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_any(ExactU64)
    }

    struct ExactU64;

    impl Visitor<'_> for ExactU64 {
        type Value = u64;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("a whole number from 0 to 18446744073709551615, as text or a number")
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
        }

        /// An old record of a seed near 2^64 reads back as `18446744073709552000`, which
        /// overflows u64 and arrives here as a float: it was u64::MAX-ish, and rounds so.
        fn visit_f64<E: de::Error>(self, value: f64) -> Result<u64, E> {
            if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= TWO_POW_64 {
                // Saturates at 2^64 to u64::MAX, the nearest u64.
                Ok(value as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(value), &self))
            }
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<u64, E> {
            text.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &self))
        }
    }
}

/// An optional u64 as [`integer`] writes it; `null` or a missing field is `None`
/// (with `#[serde(default)]`).
pub mod optional_integer {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Exact(#[serde(with = "super::integer")] u64);

    pub fn serialize<S: Serializer>(value: &Option<u64>, serializer: S) -> Result<S::Ok, S::Error> {
        value.map(Exact).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
        Ok(Option::<Exact>::deserialize(deserializer)?.map(|Exact(value)| value))
    }
}

/// A JSON value written as its JSON text, so numbers inside (a prompt's seed inputs)
/// are not rounded by the browser; read from that text or, for old records, from the
/// value itself.
pub mod json_text {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => serde_json::from_str(&text).map_err(D::Error::custom),
            old => Ok(old),
        }
    }
}
