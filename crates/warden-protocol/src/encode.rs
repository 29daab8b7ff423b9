//! Response encoding: the [`Encode`] trait generated output types implement,
//! and the scalar formats AWS uses.

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

use crate::xml::XmlWriter;

/// An output value that can be written as Query XML and as JSON.
pub trait Encode {
    /// Writes the members of `self` as child elements (without a wrapper).
    fn write_xml(&self, writer: &mut XmlWriter);
    /// The members of `self` as a JSON value.
    fn to_json(&self) -> serde_json::Value;
}

/// A timestamp as Query XML carries it: `2026-01-01T12:00:00Z` (UTC, no
/// fractional seconds).
pub fn iso8601(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A timestamp as JSON carries it: epoch seconds, fractional only when needed.
pub fn epoch_seconds(timestamp: jiff::Timestamp) -> serde_json::Value {
    if timestamp.subsec_nanosecond() == 0 {
        serde_json::Value::from(timestamp.as_second())
    } else {
        #[expect(
            clippy::cast_precision_loss,
            reason = "epoch milliseconds fit f64 exactly"
        )]
        let seconds = timestamp.as_millisecond() as f64 / 1000.0;
        serde_json::Value::from(seconds)
    }
}

/// Blob bytes as standard, padded base64.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Everything but RFC 3986 unreserved characters is percent-encoded.
const POLICY_DOCUMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A policy document as IAM returns it: URL-encoded JSON text.
pub fn policy_document(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, POLICY_DOCUMENT).to_string()
}

/// A boolean as written on the wire.
pub fn boolean(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// A double as written in XML.
pub fn double(value: f64) -> String {
    value.to_string()
}

/// A double as a JSON value (`null` when not finite).
pub fn json_double(value: f64) -> serde_json::Value {
    serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t: jiff::Timestamp = "2026-01-01T12:00:00.250Z".parse().unwrap();
        assert_eq!(iso8601(t), "2026-01-01T12:00:00Z");
        assert_eq!(epoch_seconds(t), serde_json::json!(1767268800.25));
        let t: jiff::Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(epoch_seconds(t), serde_json::json!(1767268800));
    }

    #[test]
    fn policy_documents_are_url_encoded() {
        assert_eq!(
            policy_document(r#"{"Version": "2012-10-17"}"#),
            "%7B%22Version%22%3A%20%222012-10-17%22%7D"
        );
    }
}
