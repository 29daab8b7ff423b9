//! [`Source`] over a JSON 1.1 request body.

use serde_json::Value;

use super::{Invalid, Source, decode_base64, parse_timestamp_text, timestamp_from_epoch};
use crate::AwsError;

/// Parses a JSON 1.1 request body; an empty body is `{}`.
///
/// # Errors
///
/// `SerializationException` when the body is not a JSON object.
pub fn parse_json_body(body: &[u8]) -> Result<Value, AwsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(AwsError::serialization(
            "The request body must be a JSON object.",
        )),
        Err(_) => Err(AwsError::serialization(
            "The request body is not valid JSON.",
        )),
    }
}

/// A position in a parsed JSON request body. `null` counts as absent.
#[derive(Debug, Clone, Copy)]
pub struct JsonNode<'a>(Option<&'a Value>);

impl<'a> JsonNode<'a> {
    /// The whole body.
    pub fn root(value: &'a Value) -> Self {
        Self(Some(value).filter(|v| !v.is_null()))
    }

    fn read<T>(self, convert: impl FnOnce(&'a Value) -> Option<T>) -> Option<Result<T, Invalid>> {
        let value = self.0?;
        Some(convert(value).ok_or_else(|| Invalid {
            text: value.to_string(),
        }))
    }
}

impl Source for JsonNode<'_> {
    fn member(&self, name: &str) -> Self {
        Self(self.0.and_then(|v| v.get(name)).filter(|v| !v.is_null()))
    }

    fn is_present(&self) -> bool {
        self.0.is_some()
    }

    fn structure(&self) -> Option<Result<(), Invalid>> {
        self.read(|v| v.is_object().then_some(()))
    }

    fn string(&self) -> Option<Result<String, Invalid>> {
        self.read(|v| v.as_str().map(str::to_owned))
    }

    fn integer(&self) -> Option<Result<i64, Invalid>> {
        self.read(Value::as_i64)
    }

    fn boolean(&self) -> Option<Result<bool, Invalid>> {
        self.read(Value::as_bool)
    }

    fn double(&self) -> Option<Result<f64, Invalid>> {
        self.read(Value::as_f64)
    }

    fn timestamp(&self) -> Option<Result<jiff::Timestamp, Invalid>> {
        self.read(|v| match v {
            Value::Number(n) => n.as_f64().and_then(timestamp_from_epoch),
            Value::String(s) => parse_timestamp_text(s),
            _ => None,
        })
    }

    fn blob(&self) -> Option<Result<Vec<u8>, Invalid>> {
        self.read(|v| v.as_str().and_then(decode_base64))
    }

    fn list(&self) -> Option<Result<Vec<Self>, Invalid>> {
        self.read(|v| Some(v.as_array()?.iter().map(|item| Self(Some(item))).collect()))
    }

    fn map(&self) -> Option<Result<Vec<(String, Self)>, Invalid>> {
        self.read(|v| {
            Some(
                v.as_object()?
                    .iter()
                    .map(|(k, v)| (k.clone(), Self(Some(v))))
                    .collect(),
            )
        })
    }
}
