//! Model constraints (`min`, `max`, `pattern`, `enum`) and their AWS
//! violation sentences.

use std::sync::LazyLock;

use regex::Regex;

use super::Shown;

/// Constraints of a string shape.
#[derive(Debug)]
pub struct StringRules {
    /// Minimum length in characters.
    pub min: Option<u64>,
    /// Maximum length in characters.
    pub max: Option<u64>,
    /// The pattern every value must match.
    pub pattern: Option<&'static Pattern>,
    /// The allowed values; empty when the shape is not an enum.
    pub enum_values: &'static [&'static str],
    /// `true` for sensitive shapes, whose values are never echoed.
    pub sensitive: bool,
}

impl StringRules {
    /// No constraints at all.
    pub const NONE: Self = Self {
        min: None,
        max: None,
        pattern: None,
        enum_values: &[],
        sensitive: false,
    };

    /// The constraint sentences `value` violates, in the order AWS lists
    /// them (length maximum, length minimum, pattern, enum).
    pub fn violations(&self, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        let length = value.chars().count() as u64;
        if let Some(max) = self.max.filter(|max| length > *max) {
            out.push(length_max(max));
        }
        if let Some(min) = self.min.filter(|min| length < *min) {
            out.push(length_min(min));
        }
        if let Some(model_pattern) = self.pattern.filter(|p| !p.is_match(value)) {
            out.push(pattern(model_pattern.source));
        }
        if !self.enum_values.is_empty() && !self.enum_values.contains(&value) {
            out.push(enum_set(self.enum_values));
        }
        out
    }

    /// Every constraint of the shape as a sentence (for list elements).
    pub fn descriptions(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.max.map(length_max));
        out.extend(self.min.map(length_min));
        out.extend(self.pattern.map(|p| pattern(p.source)));
        if !self.enum_values.is_empty() {
            out.push(enum_set(self.enum_values));
        }
        out
    }

    /// How a value of this shape appears in a message.
    pub fn shown<'a>(&self, value: &'a str) -> Shown<'a> {
        if self.sensitive {
            Shown::Hidden
        } else {
            Shown::Value(value)
        }
    }
}

/// A model pattern (Java syntax) compiled for the `regex` crate.
///
/// Java's `matches()` is a whole-string match, so `matches` is anchored.
/// Look-arounds, which the `regex` crate lacks, are expressed by an extra
/// `rejects` regex that no valid value may contain.
#[derive(Debug)]
pub struct Pattern {
    /// The model's pattern text, quoted in violation messages.
    pub source: &'static str,
    /// The anchored regex every valid value matches.
    pub matches: LazyLock<Option<Regex>>,
    /// A regex no valid value contains, if the pattern needs one.
    pub rejects: Option<LazyLock<Option<Regex>>>,
}

impl Pattern {
    /// `true` when `value` satisfies the pattern.
    pub fn is_match(&self, value: &str) -> bool {
        // INVARIANT: the generator only emits regexes that compile, so the
        // `None` (accept) branches are never taken.
        let matches = self
            .matches
            .as_ref()
            .is_none_or(|regex| regex.is_match(value));
        let rejected = self
            .rejects
            .as_ref()
            .and_then(|r| r.as_ref())
            .is_some_and(|regex| regex.is_match(value));
        matches && !rejected
    }
}

/// Range constraints of an integer shape.
#[derive(Debug)]
pub struct IntRules {
    /// Smallest allowed value.
    pub min: Option<i64>,
    /// Largest allowed value.
    pub max: Option<i64>,
}

impl IntRules {
    /// No constraints.
    pub const NONE: Self = Self {
        min: None,
        max: None,
    };

    /// The constraint sentences `value` violates.
    pub fn violations(&self, value: i64) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(max) = self.max.filter(|max| value > *max) {
            out.push(format!(
                "Member must have value less than or equal to {max}"
            ));
        }
        if let Some(min) = self.min.filter(|min| value < *min) {
            out.push(format!(
                "Member must have value greater than or equal to {min}"
            ));
        }
        out
    }
}

/// Length constraints of a list, map or blob shape.
#[derive(Debug)]
pub struct ListRules {
    /// Minimum number of elements.
    pub min: Option<u64>,
    /// Maximum number of elements.
    pub max: Option<u64>,
}

impl ListRules {
    /// No constraints.
    pub const NONE: Self = Self {
        min: None,
        max: None,
    };

    /// The constraint sentences a collection of `count` elements violates.
    pub fn violations(&self, count: usize) -> Vec<String> {
        length_violations(self.min, self.max, count as u64)
    }
}

/// Length constraints of a blob shape, in bytes.
#[derive(Debug)]
pub struct BlobRules {
    /// Minimum length.
    pub min: Option<u64>,
    /// Maximum length.
    pub max: Option<u64>,
}

impl BlobRules {
    /// No constraints.
    pub const NONE: Self = Self {
        min: None,
        max: None,
    };

    /// The constraint sentences `value` violates.
    pub fn violations(&self, value: &[u8]) -> Vec<String> {
        length_violations(self.min, self.max, value.len() as u64)
    }
}

fn length_violations(min: Option<u64>, max: Option<u64>, length: u64) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(max) = max.filter(|max| length > *max) {
        out.push(length_max(max));
    }
    if let Some(min) = min.filter(|min| length < *min) {
        out.push(length_min(min));
    }
    out
}

fn length_max(max: u64) -> String {
    format!("Member must have length less than or equal to {max}")
}

fn length_min(min: u64) -> String {
    format!("Member must have length greater than or equal to {min}")
}

fn pattern(source: &str) -> String {
    format!("Member must satisfy regular expression pattern: {source}")
}

fn enum_set(values: &[&str]) -> String {
    format!(
        "Member must satisfy enum value set: [{}]",
        values.join(", ")
    )
}
