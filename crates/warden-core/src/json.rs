//! JSON that reads the same in every build.

use serde_json::Value;

/// `value` with every object's keys in sorted order, whatever map type `serde_json` was
/// built with (its `preserve_order` feature may be on in some builds), so a rewritten
/// document is the same everywhere.
pub(crate) fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sorted(value)))
                    .collect(),
            )
        }
        Value::Array(values) => Value::Array(values.into_iter().map(sorted).collect()),
        other => other,
    }
}
