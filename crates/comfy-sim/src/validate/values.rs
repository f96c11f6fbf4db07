//! Checks of literal input values: combo choices, number conversion and bounds, and
//! LoadImage's file check, with ComfyUI 0.3.64's error types and texts (trace c_validation_error).

use serde_json::{Value, json};

use crate::nodes::value_as_f64;
use crate::state::Sim;

pub fn input_error(kind: &str, message: &str, details: &str, extra_info: Value) -> Value {
    json!({"type": kind, "message": message, "details": details, "extra_info": extra_info})
}

/// The error for a literal `value` of input `name`, if it is not acceptable.
pub fn check_literal(
    sim: &Sim,
    class_type: &str,
    name: &str,
    input_spec: &Value,
    value: &Value,
) -> Option<Value> {
    if class_type == "LoadImage" && name == "image" {
        return check_input_file(sim, name, value);
    }
    let extra = |received: &Value| json!({"input_name": name, "input_config": input_spec, "received_value": received});
    match &input_spec[0] {
        Value::Array(choices) => (!choices.contains(value)).then(|| {
            let details = format!(
                "{name}: '{}' not in {}",
                value.as_str().map_or(value.to_string(), str::to_owned),
                Value::Array(choices.clone())
            );
            input_error("value_not_in_list", "Value not in list", &details, extra(value))
        }),
        Value::String(numeric) if numeric == "INT" || numeric == "FLOAT" => {
            let Some(number) = value_as_f64(value) else {
                let python = if numeric == "INT" {
                    "int() with base 10"
                } else {
                    "float()"
                };
                let exception = format!(
                    "invalid literal for {python}: '{}'",
                    value.as_str().map_or(value.to_string(), str::to_owned)
                );
                let mut info = extra(value);
                info["exception_message"] = json!(exception);
                let message = format!("Failed to convert an input value to a {numeric} value");
                return Some(input_error(
                    "invalid_input_type",
                    &message,
                    &format!("{name}, {}, {exception}", value.as_str().unwrap_or_default()),
                    info,
                ));
            };
            let shown = if numeric == "INT" {
                json!(number as i64)
            } else {
                json!(number)
            };
            check_bounds(name, input_spec, number, &shown, extra(&shown))
        }
        _ => None,
    }
}

fn check_bounds(name: &str, input_spec: &Value, number: f64, shown: &Value, extra: Value) -> Option<Value> {
    let (min, max) = (&input_spec[1]["min"], &input_spec[1]["max"]);
    if min.as_f64().is_some_and(|min| number < min) {
        let message = format!("Value {shown} smaller than min of {min}");
        return Some(input_error("value_smaller_than_min", &message, name, extra));
    }
    if max.as_f64().is_some_and(|max| number > max) {
        let message = format!("Value {shown} bigger than max of {max}");
        return Some(input_error("value_bigger_than_max", &message, name, extra));
    }
    None
}

/// LoadImage's VALIDATE_INPUTS: the file must exist in the input folder.
fn check_input_file(sim: &Sim, name: &str, value: &Value) -> Option<Value> {
    let file = value.as_str().unwrap_or_default();
    let exists = crate::paths::resolve_in(&sim.dirs.input, "", file).is_some_and(|path| path.is_file());
    (!exists).then(|| {
        input_error(
            "custom_validation_failed",
            "Custom validation failed for node",
            &format!("image - Invalid image file: {file}"),
            json!({"input_name": name}),
        )
    })
}
