//! `GET /object_info` and `/object_info/{class}`: the node classes a server offers and
//! the inputs each accepts. Input specs vary in shape between node packs and versions,
//! so they stay JSON, with [`InputSpec`] as a reading aid.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{class_type: class}`. An unknown class answers `{}` (m_misc).
pub type ObjectInfo = BTreeMap<String, NodeClass>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeClass {
    #[serde(default)]
    pub input: NodeInputs,
    #[serde(default)]
    pub input_order: BTreeMap<String, Vec<String>>,
    /// Output types; a combo output is a list of choices instead of a type name.
    #[serde(default)]
    pub output: Vec<Value>,
    #[serde(default)]
    pub output_is_list: Vec<bool>,
    #[serde(default)]
    pub output_name: Vec<String>,
    #[serde(default)]
    pub name: String,
    /// `null` for about a fifth of the core classes (object_info_full.json).
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub python_module: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub output_node: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub experimental: bool,
}

/// Input name → spec, e.g. `["INT", {"default": 0, "min": 0, "max": 18446744073709551615}]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeInputs {
    #[serde(default)]
    pub required: Map<String, Value>,
    #[serde(default)]
    pub optional: Map<String, Value>,
    /// Filled in by the server (`PROMPT`, `EXTRA_PNGINFO`, ...), never by a client.
    #[serde(default)]
    pub hidden: Map<String, Value>,
}

/// One input spec, read: its type or choices, and its options (`default`, `min`, ...).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputSpec<'a> {
    pub kind: InputKind<'a>,
    pub required: bool,
    pub options: Option<&'a Map<String, Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputKind<'a> {
    /// A type name: `INT`, `FLOAT`, `STRING`, `BOOLEAN`, or a link type like `IMAGE`.
    Type(&'a str),
    /// A choice among values: the legacy `[[choices], {...}]` form (LoadImage lists the
    /// uploaded files this way, trace l) or the newer `["COMBO", {"options": [...]}]`.
    Combo(&'a [Value]),
}

impl NodeClass {
    /// What the editor shows for the class.
    pub fn title(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }

    /// The spec of a required or optional input, `None` when the class has no such input
    /// or the spec has a shape this crate does not know.
    pub fn input_spec(&self, name: &str) -> Option<InputSpec<'_>> {
        let (spec, required) = match self.input.required.get(name) {
            Some(spec) => (spec, true),
            None => (self.input.optional.get(name)?, false),
        };
        let parts = spec.as_array()?;
        let options = parts.get(1).and_then(Value::as_object);
        let kind = match parts.first()? {
            Value::Array(choices) => InputKind::Combo(choices),
            Value::String(name) if name == "COMBO" => {
                InputKind::Combo(options?.get("options")?.as_array()?.as_slice())
            }
            Value::String(name) => InputKind::Type(name),
            _ => return None,
        };
        Some(InputSpec {
            kind,
            required,
            options,
        })
    }
}

impl InputSpec<'_> {
    pub fn option(&self, key: &str) -> Option<&Value> {
        self.options?.get(key)
    }
}
