//! The wire shape of `/object_info` specs, read with serde before [`super::object_info`]
//! turns them into typed specs.

use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::Value;

#[derive(Deserialize)]
pub(super) struct RawNodeSpec {
    #[serde(default)]
    pub(super) input: RawInputs,
    #[serde(default)]
    pub(super) input_order: Option<RawInputOrder>,
    #[serde(default)]
    pub(super) output: Vec<Value>,
    #[serde(default)]
    pub(super) output_node: bool,
    #[serde(default)]
    pub(super) display_name: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawInputs {
    #[serde(default)]
    pub(super) required: Option<OrderedSpecs>,
    #[serde(default)]
    pub(super) optional: Option<OrderedSpecs>,
}

#[derive(Deserialize)]
pub(super) struct RawInputOrder {
    #[serde(default)]
    pub(super) required: Option<Vec<String>>,
    #[serde(default)]
    pub(super) optional: Option<Vec<String>>,
}

impl RawInputOrder {
    pub(super) fn group(&self, required: bool) -> Option<&Vec<String>> {
        if required {
            self.required.as_ref()
        } else {
            self.optional.as_ref()
        }
    }
}

/// A JSON object read as a list of entries in document order (serde_json's own map sorts
/// its keys unless the whole workspace opts into `preserve_order`).
pub(super) struct OrderedSpecs(pub(super) Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedSpecs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = OrderedSpecs;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of input specs")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<OrderedSpecs, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = access.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(OrderedSpecs(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}
