//! The AWS Query request decoder: `application/x-www-form-urlencoded` bodies
//! and GET query strings, with the `Name.member.N` and `Name.entry.N.key`
//! flattening conventions.
//!
//! Decoding is total: any byte string either yields [`QueryParams`] or an
//! [`AwsError`], never a panic, and work is bounded by [`MAX_PARAMS`] and
//! [`MAX_KEY_LEN`].

use std::collections::BTreeMap;

use crate::AwsError;
use crate::decode::{Invalid, Source};
use crate::meta::ServiceMeta;

/// The most parameters one request may carry.
pub const MAX_PARAMS: usize = 10_000;
/// The longest parameter name accepted, in bytes.
pub const MAX_KEY_LEN: usize = 512;
/// The most `.`-separated segments a parameter name may have.
pub const MAX_KEY_SEGMENTS: usize = 16;

/// The decoded parameters of a Query request, keyed by their flattened name
/// (`Tags.member.1.Key`).
///
/// When a name repeats, the first occurrence wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    params: BTreeMap<String, String>,
}

impl QueryParams {
    /// Decodes a form body or a query string (without the leading `?`).
    ///
    /// Invalid UTF-8 after percent-decoding is replaced with U+FFFD.
    pub fn parse(input: &[u8]) -> Result<Self, AwsError> {
        let mut params = BTreeMap::new();
        for (index, (key, value)) in form_urlencoded::parse(input).enumerate() {
            if index >= MAX_PARAMS {
                return Err(AwsError::malformed_query_string(format!(
                    "The request has more than {MAX_PARAMS} parameters."
                )));
            }
            if key.len() > MAX_KEY_LEN || key.split('.').count() > MAX_KEY_SEGMENTS {
                return Err(AwsError::malformed_query_string(
                    "A parameter name is too long.",
                ));
            }
            params
                .entry(key.into_owned())
                .or_insert_with(|| value.into_owned());
        }
        Ok(Self { params })
    }

    /// The value of one parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The `Action` parameter, or `MissingAction`.
    pub fn action(&self) -> Result<&str, AwsError> {
        self.get("Action")
            .filter(|action| !action.is_empty())
            .ok_or_else(AwsError::missing_action)
    }

    /// The number of decoded parameters.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// `true` when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// All parameters in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The request document as a decoding [`Source`].
    pub fn root(&self) -> QueryNode<'_> {
        QueryNode {
            params: self,
            key: String::new(),
        }
    }

    /// Parameters whose name starts with `prefix`.
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.params
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// The distinct positive indices `N` of parameters named `prefix N …`,
    /// sorted numerically, with the index text as written.
    fn indices(&self, prefix: &str) -> Vec<(u32, String)> {
        let mut found: Vec<(u32, String)> = self
            .with_prefix(prefix)
            .filter_map(|(key, _)| {
                let rest = key.strip_prefix(prefix)?;
                let segment = rest.split('.').next()?;
                let index: u32 = segment.parse().ok()?;
                (index >= 1).then(|| (index, segment.to_owned()))
            })
            .collect();
        found.sort();
        found.dedup_by_key(|(index, _)| *index);
        found
    }
}

/// Checks the `Version` parameter of a Query request against the service.
///
/// A missing `Version` is accepted; a different one is `InvalidAction`, as
/// AWS answers for operations unknown to that version.
pub fn check_version(
    meta: &ServiceMeta,
    action: &str,
    params: &QueryParams,
) -> Result<(), AwsError> {
    match params.get("Version") {
        Some(version) if version != meta.api_version => {
            Err(AwsError::invalid_action(action, version))
        }
        _ => Ok(()),
    }
}

/// A position in a [`QueryParams`] document: the flattened name prefix of a
/// member, list element or map value.
#[derive(Debug, Clone)]
pub struct QueryNode<'a> {
    params: &'a QueryParams,
    key: String,
}

impl QueryNode<'_> {
    fn text(&self) -> Option<&str> {
        self.params.get(&self.key)
    }

    fn child(&self, name: &str) -> Self {
        let key = if self.key.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.key)
        };
        Self {
            params: self.params,
            key,
        }
    }

    fn parse_text<T>(&self, parse: impl FnOnce(&str) -> Option<T>) -> Option<Result<T, Invalid>> {
        let text = self.text()?;
        Some(parse(text).ok_or_else(|| Invalid {
            text: text.to_owned(),
        }))
    }
}

impl Source for QueryNode<'_> {
    fn member(&self, name: &str) -> Self {
        self.child(name)
    }

    fn is_present(&self) -> bool {
        if self.text().is_some() {
            return true;
        }
        let prefix = format!("{}.", self.key);
        self.params.with_prefix(&prefix).next().is_some()
    }

    fn structure(&self) -> Option<Result<(), Invalid>> {
        self.is_present().then_some(Ok(()))
    }

    fn string(&self) -> Option<Result<String, Invalid>> {
        self.parse_text(|t| Some(t.to_owned()))
    }

    fn integer(&self) -> Option<Result<i64, Invalid>> {
        self.parse_text(|t| t.trim().parse().ok())
    }

    fn boolean(&self) -> Option<Result<bool, Invalid>> {
        self.parse_text(|t| match t.trim() {
            t if t.eq_ignore_ascii_case("true") => Some(true),
            t if t.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        })
    }

    fn double(&self) -> Option<Result<f64, Invalid>> {
        self.parse_text(|t| t.trim().parse().ok())
    }

    fn timestamp(&self) -> Option<Result<jiff::Timestamp, Invalid>> {
        self.parse_text(crate::decode::parse_timestamp_text)
    }

    fn blob(&self) -> Option<Result<Vec<u8>, Invalid>> {
        self.parse_text(crate::decode::decode_base64)
    }

    fn list(&self) -> Option<Result<Vec<Self>, Invalid>> {
        let prefix = format!("{}.member.", self.key);
        let indices = self.params.indices(&prefix);
        if indices.is_empty() {
            // `Name=` (any value) with no members is AWS's empty list.
            return self.text().map(|_| Ok(Vec::new()));
        }
        let nodes = indices.into_iter().map(|(_, segment)| Self {
            params: self.params,
            key: format!("{prefix}{segment}"),
        });
        Some(Ok(nodes.collect()))
    }

    fn map(&self) -> Option<Result<Vec<(String, Self)>, Invalid>> {
        let prefix = format!("{}.entry.", self.key);
        let indices = self.params.indices(&prefix);
        if indices.is_empty() {
            return self.text().map(|_| Ok(Vec::new()));
        }
        let entries = indices.into_iter().filter_map(|(_, segment)| {
            let entry = format!("{prefix}{segment}");
            let key = self.params.get(&format!("{entry}.key"))?.to_owned();
            Some((
                key,
                Self {
                    params: self.params,
                    key: format!("{entry}.value"),
                },
            ))
        });
        Some(Ok(entries.collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_occurrence_wins_and_plus_is_space() {
        let params = QueryParams::parse(b"A=1&A=2&B=a+b%2Fc").unwrap();
        assert_eq!(params.get("A"), Some("1"));
        assert_eq!(params.get("B"), Some("a b/c"));
    }

    #[test]
    fn too_many_parameters_is_an_error() {
        let body: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("P{i}=x")).collect();
        let error = QueryParams::parse(body.join("&").as_bytes()).unwrap_err();
        assert_eq!(error.code, "MalformedQueryString");
    }

    #[test]
    fn deep_names_are_rejected() {
        let key = vec!["a"; MAX_KEY_SEGMENTS + 1].join(".");
        assert!(QueryParams::parse(format!("{key}=1").as_bytes()).is_err());
    }

    #[test]
    fn missing_or_empty_action() {
        assert_eq!(
            QueryParams::parse(b"Version=1")
                .unwrap()
                .action()
                .unwrap_err()
                .code,
            "MissingAction"
        );
        assert_eq!(
            QueryParams::parse(b"Action=")
                .unwrap()
                .action()
                .unwrap_err()
                .code,
            "MissingAction"
        );
        assert_eq!(
            QueryParams::parse(b"Action=ListUsers")
                .unwrap()
                .action()
                .unwrap(),
            "ListUsers"
        );
    }
}
