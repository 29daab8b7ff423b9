//! Typed request decoding with AWS-style validation.
//!
//! Generated input types implement [`Decode`] over any [`Source`] (a Query
//! [`QueryNode`](crate::QueryNode) or a JSON [`JsonNode`]). Decoding reads
//! every member, checks the model's constraints as it goes, and collects all
//! violations; [`decode_input`] turns them into one AWS validation error:
//! `2 validation errors detected: Value 'x' at 'userName' failed to satisfy
//! constraint: …; …`.
//!
//! Constraint sentences are listed per member in model order, and within a
//! member as: length maximum, length minimum, pattern, enum.

mod json;
mod rules;

use std::collections::BTreeMap;

use base64::Engine as _;

pub use json::{JsonNode, parse_json_body};
pub use rules::{BlobRules, IntRules, ListRules, Pattern, StringRules};

use crate::AwsError;
use crate::meta::{Protocol, ServiceMeta};

/// A value that is present but not of the expected type (e.g. `MaxItems=abc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The offending text, for the error message.
    pub text: String,
}

/// A position in a request document that typed values can be read from.
///
/// Each reader returns `None` when the value is absent and `Some(Err(_))`
/// when it is present with the wrong type.
pub trait Source: Sized {
    /// The member with this wire name (`UserName`), present or not.
    fn member(&self, name: &str) -> Self;
    /// `true` when this node holds any value.
    fn is_present(&self) -> bool;
    /// A structure: `Ok` when the node can hold members.
    fn structure(&self) -> Option<Result<(), Invalid>>;
    /// A string value.
    fn string(&self) -> Option<Result<String, Invalid>>;
    /// An integer value (`integer` and `long` shapes).
    fn integer(&self) -> Option<Result<i64, Invalid>>;
    /// A boolean value.
    fn boolean(&self) -> Option<Result<bool, Invalid>>;
    /// A floating-point value (`double` and `float` shapes).
    fn double(&self) -> Option<Result<f64, Invalid>>;
    /// A timestamp value.
    fn timestamp(&self) -> Option<Result<jiff::Timestamp, Invalid>>;
    /// A blob value (base64 on the wire).
    fn blob(&self) -> Option<Result<Vec<u8>, Invalid>>;
    /// The elements of a list, in order.
    fn list(&self) -> Option<Result<Vec<Self>, Invalid>>;
    /// The entries of a map, in wire order.
    fn map(&self) -> Option<Result<Vec<(String, Self)>, Invalid>>;
}

/// A type that can be decoded from a request document.
pub trait Decode: Sized {
    /// Reads `Self` from `source`, recording violations in `decoder`.
    ///
    /// Returns `None` when a value could not be built (a violation has been
    /// recorded then); a returned value may still carry violations.
    fn decode<S: Source>(source: &S, path: &Path<'_>, decoder: &mut Decoder) -> Option<Self>;
}

/// Decodes a whole operation input, mapping violations to the service's
/// validation error (`ValidationError` for Query, `ValidationException` for
/// JSON 1.1) and JSON values of the wrong type to `SerializationException`.
pub fn decode_input<T: Decode, S: Source>(meta: &ServiceMeta, source: &S) -> Result<T, AwsError> {
    let mut decoder = Decoder::default();
    let value = T::decode(source, &Path::Root, &mut decoder);
    if let (Protocol::Json, Some(mismatch)) = (meta.protocol, decoder.type_mismatch) {
        return Err(AwsError::serialization(mismatch));
    }
    match value {
        Some(value) if decoder.violations.is_empty() => Ok(value),
        // INVARIANT: decoders only fail after recording a violation.
        _ if decoder.violations.is_empty() => Err(AwsError::internal()),
        _ => Err(AwsError::validation(
            meta.validation_code(),
            &decoder.violations,
        )),
    }
}

/// The member path of a value, rendered as AWS does: `tags.6.member.value`.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The operation input itself.
    Root,
    /// A member (lowerCamel name) of a structure.
    Member(&'a Self, &'a str),
    /// The 1-based element of a list.
    Element(&'a Self, usize),
    /// The value under a map key.
    Entry(&'a Self, &'a str),
}

impl Path<'_> {
    /// Renders the path.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        let (parent, part) = match self {
            Self::Root => return,
            Self::Member(parent, name) => (parent, (*name).to_owned()),
            Self::Element(parent, index) => (parent, format!("{index}.member")),
            Self::Entry(parent, key) => (parent, format!("entry.{key}.value")),
        };
        parent.render_into(out);
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&part);
    }
}

/// Collects constraint violations while decoding.
#[derive(Debug, Default)]
pub struct Decoder {
    violations: Vec<String>,
    /// The first value of the wrong type: JSON 1.1 services answer these
    /// with `SerializationException` rather than a validation error.
    type_mismatch: Option<String>,
}

impl Decoder {
    /// The violations recorded so far, in AWS's sentence form.
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// Records `Value <shown> at '<path>' failed to satisfy constraint: <constraint>`.
    pub fn violation(&mut self, shown: &Shown<'_>, path: &Path<'_>, constraint: &str) {
        let value = match shown {
            Shown::Value(text) => format!("Value '{text}'"),
            Shown::Null => "Value null".to_owned(),
            Shown::Hidden => "Value".to_owned(),
        };
        let path = path.render();
        self.violations.push(format!(
            "{value} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// Reads the structure member `wire` (named `camel` in messages) with
    /// `read`, recording `Member must not be null` when a `required` member
    /// is absent.
    pub fn member<S: Source, T>(
        &mut self,
        source: &S,
        path: &Path<'_>,
        (wire, camel, required): (&str, &str, bool),
        read: impl FnOnce(&S, &Path<'_>, &mut Self) -> Option<T>,
    ) -> Option<T> {
        let node = source.member(wire);
        let path = Path::Member(path, camel);
        let value = read(&node, &path, self);
        if required && value.is_none() && !node.is_present() {
            self.violation(&Shown::Null, &path, "Member must not be null");
        }
        value
    }

    /// Unwraps a typed read, recording a type mismatch.
    fn typed<T>(
        &mut self,
        read: Option<Result<T, Invalid>>,
        path: &Path<'_>,
        expected: &str,
    ) -> Option<T> {
        match read? {
            Ok(value) => Some(value),
            Err(invalid) => {
                let constraint = format!("Member must be {expected}");
                if self.type_mismatch.is_none() {
                    let at = path.render();
                    self.type_mismatch = Some(format!(
                        "Value {} at '{at}' is not {expected}.",
                        invalid.text
                    ));
                }
                self.violation(&Shown::Value(&invalid.text), path, &constraint);
                None
            }
        }
    }
}

/// How a value appears in a violation message.
#[derive(Debug, Clone, Copy)]
pub enum Shown<'a> {
    /// `Value 'text'`.
    Value(&'a str),
    /// `Value null` (a missing required member).
    Null,
    /// `Value` alone (sensitive members are never echoed).
    Hidden,
}

/// Reads and validates a string.
pub fn read_string<S: Source>(
    source: &S,
    path: &Path<'_>,
    rules: &StringRules,
    d: &mut Decoder,
) -> Option<String> {
    let value = d.typed(source.string(), path, "a string")?;
    for constraint in rules.violations(&value) {
        d.violation(&rules.shown(&value), path, &constraint);
    }
    Some(value)
}

/// Reads and validates an integer that fits in `i32`.
pub fn read_i32<S: Source>(
    source: &S,
    path: &Path<'_>,
    rules: &IntRules,
    d: &mut Decoder,
) -> Option<i32> {
    let value = read_i64(source, path, rules, d)?;
    match i32::try_from(value) {
        Ok(value) => Some(value),
        Err(_) => {
            d.violation(
                &Shown::Value(&value.to_string()),
                path,
                "Member must be an integer",
            );
            None
        }
    }
}

/// Reads and validates an integer.
pub fn read_i64<S: Source>(
    source: &S,
    path: &Path<'_>,
    rules: &IntRules,
    d: &mut Decoder,
) -> Option<i64> {
    let value = d.typed(source.integer(), path, "an integer")?;
    for constraint in rules.violations(value) {
        d.violation(&Shown::Value(&value.to_string()), path, &constraint);
    }
    Some(value)
}

/// Reads a boolean.
pub fn read_bool<S: Source>(source: &S, path: &Path<'_>, d: &mut Decoder) -> Option<bool> {
    d.typed(source.boolean(), path, "a boolean")
}

/// Reads a floating-point number.
pub fn read_f64<S: Source>(source: &S, path: &Path<'_>, d: &mut Decoder) -> Option<f64> {
    d.typed(source.double(), path, "a number")
}

/// Reads a timestamp.
pub fn read_timestamp<S: Source>(
    source: &S,
    path: &Path<'_>,
    d: &mut Decoder,
) -> Option<jiff::Timestamp> {
    d.typed(source.timestamp(), path, "a timestamp")
}

/// Reads and validates a blob.
pub fn read_blob<S: Source>(
    source: &S,
    path: &Path<'_>,
    rules: &BlobRules,
    d: &mut Decoder,
) -> Option<Vec<u8>> {
    let value = d.typed(source.blob(), path, "base64-encoded binary data")?;
    for constraint in rules.violations(&value) {
        d.violation(&Shown::Hidden, path, &constraint);
    }
    Some(value)
}

/// Reads a structure: `None` when absent.
pub fn read_structure<T: Decode, S: Source>(
    source: &S,
    path: &Path<'_>,
    d: &mut Decoder,
) -> Option<T> {
    d.typed(source.structure(), path, "a structure")?;
    T::decode(source, path, d)
}

/// Reads and validates a list, decoding each element with `element`.
///
/// Elements that fail to decode are dropped (their violation is recorded).
pub fn read_list<S: Source, T>(
    source: &S,
    path: &Path<'_>,
    rules: &ListRules,
    d: &mut Decoder,
    mut element: impl FnMut(&S, &Path<'_>, &mut Decoder) -> Option<T>,
) -> Option<Vec<T>> {
    let nodes = d.typed(source.list(), path, "a list")?;
    let count = nodes.len();
    let mut values = Vec::with_capacity(count);
    for (index, node) in nodes.iter().enumerate() {
        values.extend(element(node, &Path::Element(path, index + 1), d));
    }
    for constraint in rules.violations(count) {
        d.violation(&Shown::Hidden, path, &constraint);
    }
    Some(values)
}

/// Reads and validates a list of strings. Element violations are reported
/// once for the list, as AWS does:
/// `Value '[a, b]' at 'names' failed to satisfy constraint: Member must
/// satisfy constraint: [Member must have length less than or equal to 64]`.
pub fn read_string_list<S: Source>(
    source: &S,
    path: &Path<'_>,
    rules: &ListRules,
    element_rules: &StringRules,
    d: &mut Decoder,
) -> Option<Vec<String>> {
    let nodes = d.typed(source.list(), path, "a list")?;
    let mut values = Vec::with_capacity(nodes.len());
    let mut element_failed = false;
    for (index, node) in nodes.iter().enumerate() {
        if let Some(value) = d.typed(node.string(), &Path::Element(path, index + 1), "a string") {
            element_failed |= !element_rules.violations(&value).is_empty();
            values.push(value);
        }
    }
    let shown_list = format!("[{}]", values.join(", "));
    let shown = if element_rules.sensitive {
        Shown::Hidden
    } else {
        Shown::Value(&shown_list)
    };
    if element_failed {
        let all = element_rules.descriptions().join(", ");
        d.violation(
            &shown,
            path,
            &format!("Member must satisfy constraint: [{all}]"),
        );
    }
    for constraint in rules.violations(values.len()) {
        d.violation(&shown, path, &constraint);
    }
    Some(values)
}

/// Reads and validates a map whose keys are strings.
pub fn read_map<S: Source, T>(
    source: &S,
    path: &Path<'_>,
    rules: &ListRules,
    key_rules: &StringRules,
    d: &mut Decoder,
    mut value: impl FnMut(&S, &Path<'_>, &mut Decoder) -> Option<T>,
) -> Option<BTreeMap<String, T>> {
    let entries = d.typed(source.map(), path, "a map")?;
    let count = entries.len();
    let mut map = BTreeMap::new();
    for (key, node) in &entries {
        let value_path = Path::Entry(path, key);
        for constraint in key_rules.violations(key) {
            d.violation(&key_rules.shown(key), &value_path, &constraint);
        }
        if let Some(decoded) = value(node, &value_path, d) {
            map.insert(key.clone(), decoded);
        }
    }
    for constraint in rules.violations(count) {
        d.violation(&Shown::Hidden, path, &constraint);
    }
    Some(map)
}

/// Parses an ISO-8601 / RFC 3339 timestamp as sent by SDKs
/// (`2015-01-25T08:00:00Z`), or epoch seconds.
pub(crate) fn parse_timestamp_text(text: &str) -> Option<jiff::Timestamp> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(timestamp);
    }
    timestamp_from_epoch(text.parse().ok()?)
}

/// Converts epoch seconds (possibly fractional) to a timestamp.
pub(crate) fn timestamp_from_epoch(seconds: f64) -> Option<jiff::Timestamp> {
    let millis = (seconds * 1000.0).round();
    // INVARIANT: the range check (false for NaN) keeps the cast lossless.
    if !(-1.0e15..=1.0e15).contains(&millis) {
        return None;
    }
    #[expect(clippy::cast_possible_truncation, reason = "range-checked just above")]
    let millis = millis as i64;
    jiff::Timestamp::from_millisecond(millis).ok()
}

/// Decodes standard base64 (padding optional).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text))
        .ok()
}
