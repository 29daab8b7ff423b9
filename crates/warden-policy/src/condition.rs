//! Condition operators, compiled once and evaluated against the request context.
//!
//! Rules (IAM User Guide, condition operators and multivalued keys):
//! - several keys in one block are ANDed, several values for one key are ORed — except for the
//!   negated operators, where the request value must match none of the values;
//! - a missing key makes a positive operator false and a negated one true; `...IfExists` makes
//!   any operator true on a missing key; `Null` tests presence;
//! - `ForAnyValue:` is false and `ForAllValues:` true when the key is missing or empty;
//! - a value that cannot be read (a bad number in the policy, a bad address in the request)
//!   makes the condition *unevaluable*: the statement never allows, and a Deny still denies.

use base64::Engine as _;
use ipnet::IpNet;

use crate::arn::{ArnPattern, SplitArn};
use crate::datetime::{self, EpochNanos};
use crate::glob::{Case, Glob, Syntax, Variables};
use crate::validate::{OPERATORS, strip_operator};

/// The three outcomes of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    True,
    False,
    Unevaluable,
}

impl Truth {
    fn from_bool(value: bool) -> Self {
        if value { Self::True } else { Self::False }
    }

    fn not(self) -> Self {
        match self {
            Self::True => Self::False,
            Self::False => Self::True,
            Self::Unevaluable => Self::Unevaluable,
        }
    }

    /// ∃: true if any is true; unevaluable if none is true but one is unevaluable.
    fn any(items: impl Iterator<Item = Self>) -> Self {
        let mut result = Self::False;
        for item in items {
            match item {
                Self::True => return Self::True,
                Self::Unevaluable => result = Self::Unevaluable,
                Self::False => {}
            }
        }
        result
    }

    /// ∀: false if any is false; unevaluable if none is false but one is unevaluable.
    fn all(items: impl Iterator<Item = Self>) -> Self {
        let mut result = Self::True;
        for item in items {
            match item {
                Self::False => return Self::False,
                Self::Unevaluable => result = Self::Unevaluable,
                Self::True => {}
            }
        }
        result
    }
}

/// A request value as found in the context.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'a> {
    Single(&'a str),
    Multi(&'a [String]),
}

/// Access to condition keys during evaluation.
pub(crate) trait ConditionContext: Variables {
    /// The value of a lowercase key.
    fn value(&self, key_lower: &str) -> Option<Found<'_>>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    None,
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    fn holds<T: PartialOrd>(self, request: &T, policy: &T) -> bool {
        match self {
            Self::Equal => request == policy,
            Self::Less => request < policy,
            Self::LessOrEqual => request <= policy,
            Self::Greater => request > policy,
            Self::GreaterOrEqual => request >= policy,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    String {
        case: Case,
        values: Vec<Glob>,
    },
    Numeric {
        comparison: Comparison,
        values: Vec<f64>,
    },
    Date {
        comparison: Comparison,
        values: Vec<EpochNanos>,
    },
    Bool {
        values: Vec<Glob>,
    },
    Binary {
        values: Vec<Vec<u8>>,
    },
    Ip {
        values: Vec<IpNet>,
    },
    Arn {
        values: Vec<ArnPattern>,
    },
    Null {
        absent: Vec<bool>,
    },
    /// The operator or a value could not be read; the reason is kept for reports.
    Broken(Box<str>),
}

/// One key test inside one operator block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    /// The operator as written.
    pub(crate) operator: Box<str>,
    /// The key as written.
    pub(crate) key: Box<str>,
    key_lower: Box<str>,
    set: SetQualifier,
    if_exists: bool,
    negated: bool,
    test: Test,
}

/// The result of evaluating one condition.
pub(crate) struct Outcome {
    pub(crate) truth: Truth,
    /// The key was absent from the context.
    pub(crate) key_missing: bool,
}

impl Condition {
    /// Compiles one `operator: { key: values }` entry. `variables` is true for version
    /// 2012-10-17 documents.
    pub(crate) fn compile(operator: &str, key: &str, values: &[String], variables: bool) -> Self {
        let (set, rest) = if let Some(rest) = operator.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, rest)
        } else if let Some(rest) = operator.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, rest)
        } else {
            (SetQualifier::None, operator)
        };
        let if_exists = rest.ends_with("IfExists");
        let base = strip_operator(operator);
        let (negated, test) = compile_test(base, values, variables);
        Self {
            operator: operator.into(),
            key: key.into(),
            key_lower: key.to_ascii_lowercase().into(),
            set,
            if_exists,
            negated,
            test,
        }
    }

    /// Why the condition can never be evaluated, if it cannot.
    pub(crate) fn broken_reason(&self) -> Option<&str> {
        match &self.test {
            Test::Broken(reason) => Some(reason),
            _ => None,
        }
    }

    /// Evaluates against the context.
    pub(crate) fn evaluate(&self, context: &impl ConditionContext) -> Outcome {
        if let Test::Broken(_) = self.test {
            return Outcome {
                truth: Truth::Unevaluable,
                key_missing: false,
            };
        }
        let found = context.value(&self.key_lower);
        let key_missing = found.is_none();
        let values: &[String] = match found {
            None => &[],
            Some(Found::Multi(values)) => values,
            Some(Found::Single(_)) => &[],
        };
        let present = match found {
            Some(Found::Single(_)) => true,
            Some(Found::Multi(values)) => !values.is_empty(),
            None => false,
        };
        if let Test::Null { absent } = &self.test {
            let truth =
                Truth::from_bool(absent.iter().any(|wants_absent| *wants_absent != present));
            return Outcome { truth, key_missing };
        }
        if !present {
            let truth = if self.if_exists {
                Truth::True
            } else {
                match self.set {
                    SetQualifier::ForAllValues => Truth::True,
                    SetQualifier::ForAnyValue => Truth::False,
                    SetQualifier::None => Truth::from_bool(self.negated),
                }
            };
            return Outcome { truth, key_missing };
        }
        let per_value = |request: &str| {
            let positive = self.positive_match(request, context);
            if self.negated {
                positive.not()
            } else {
                positive
            }
        };
        let truth = match found {
            Some(Found::Single(value)) => per_value(value),
            _ => match self.set {
                SetQualifier::ForAllValues => Truth::all(values.iter().map(|v| per_value(v))),
                SetQualifier::ForAnyValue | SetQualifier::None => {
                    Truth::any(values.iter().map(|v| per_value(v)))
                }
            },
        };
        Outcome { truth, key_missing }
    }

    /// ∃p: the request value matches policy value p (the positive form of the operator).
    fn positive_match(&self, request: &str, context: &impl ConditionContext) -> Truth {
        match &self.test {
            Test::String { case, values } => {
                Truth::from_bool(values.iter().any(|p| p.matches(request, *case, context)))
            }
            Test::Bool { values } => Truth::from_bool(
                values
                    .iter()
                    .any(|p| p.matches(request, Case::Insensitive, context)),
            ),
            Test::Numeric { comparison, values } => match parse_number(request) {
                Some(r) => Truth::from_bool(values.iter().any(|p| comparison.holds(&r, p))),
                None => Truth::Unevaluable,
            },
            Test::Date { comparison, values } => match datetime::parse(request) {
                Some(r) => Truth::from_bool(values.iter().any(|p| comparison.holds(&r, p))),
                None => Truth::Unevaluable,
            },
            Test::Binary { values } => {
                match base64::engine::general_purpose::STANDARD.decode(request) {
                    Ok(r) => Truth::from_bool(values.contains(&r)),
                    Err(_) => Truth::Unevaluable,
                }
            }
            Test::Ip { values } => match request.trim().parse::<std::net::IpAddr>() {
                Ok(r) => Truth::from_bool(values.iter().any(|p| p.contains(&r))),
                Err(_) => Truth::Unevaluable,
            },
            Test::Arn { values } => {
                let arn = SplitArn::new(request);
                Truth::from_bool(values.iter().any(|p| p.matches(&arn, context)))
            }
            Test::Null { .. } | Test::Broken(_) => Truth::Unevaluable,
        }
    }
}

/// Whether a policy value is readable by the (stripped) operator.
pub(crate) fn value_parses(base: &str, value: &str) -> bool {
    !matches!(
        compile_test(base, std::slice::from_ref(&value.to_owned()), false).1,
        Test::Broken(_)
    )
}

fn compile_test(base: &str, values: &[String], variables: bool) -> (bool, Test) {
    let string = |case: Case, wildcards: bool| Test::String {
        case,
        values: values
            .iter()
            .map(|v| {
                Glob::compile(
                    v,
                    Syntax {
                        wildcards,
                        variables,
                    },
                )
            })
            .collect(),
    };
    let numeric = |comparison| {
        collect(values, parse_number, |values| Test::Numeric {
            comparison,
            values,
        })
    };
    let date = |comparison| {
        collect(values, datetime::parse, |values| Test::Date {
            comparison,
            values,
        })
    };
    match base {
        "StringEquals" => (false, string(Case::Sensitive, false)),
        "StringNotEquals" => (true, string(Case::Sensitive, false)),
        "StringEqualsIgnoreCase" => (false, string(Case::Insensitive, false)),
        "StringNotEqualsIgnoreCase" => (true, string(Case::Insensitive, false)),
        "StringLike" => (false, string(Case::Sensitive, true)),
        "StringNotLike" => (true, string(Case::Sensitive, true)),
        "NumericEquals" => (false, numeric(Comparison::Equal)),
        "NumericNotEquals" => (true, numeric(Comparison::Equal)),
        "NumericLessThan" => (false, numeric(Comparison::Less)),
        "NumericLessThanEquals" => (false, numeric(Comparison::LessOrEqual)),
        "NumericGreaterThan" => (false, numeric(Comparison::Greater)),
        "NumericGreaterThanEquals" => (false, numeric(Comparison::GreaterOrEqual)),
        "DateEquals" => (false, date(Comparison::Equal)),
        "DateNotEquals" => (true, date(Comparison::Equal)),
        "DateLessThan" => (false, date(Comparison::Less)),
        "DateLessThanEquals" => (false, date(Comparison::LessOrEqual)),
        "DateGreaterThan" => (false, date(Comparison::Greater)),
        "DateGreaterThanEquals" => (false, date(Comparison::GreaterOrEqual)),
        "Bool" => (
            false,
            Test::Bool {
                values: values
                    .iter()
                    .map(|v| {
                        Glob::compile(
                            v,
                            Syntax {
                                wildcards: false,
                                variables,
                            },
                        )
                    })
                    .collect(),
            },
        ),
        "BinaryEquals" => (
            false,
            collect(
                values,
                |v| base64::engine::general_purpose::STANDARD.decode(v).ok(),
                |values| Test::Binary { values },
            ),
        ),
        "IpAddress" => (
            false,
            collect(values, parse_network, |values| Test::Ip { values }),
        ),
        "NotIpAddress" => (
            true,
            collect(values, parse_network, |values| Test::Ip { values }),
        ),
        "ArnEquals" | "ArnLike" => (false, arn(values, variables)),
        "ArnNotEquals" | "ArnNotLike" => (true, arn(values, variables)),
        "Null" => (
            false,
            collect(
                values,
                |v| match v.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                },
                |absent| Test::Null { absent },
            ),
        ),
        other if OPERATORS.contains(&other) => (
            false,
            Test::Broken(format!("operator {other} is not supported").into()),
        ),
        other => (
            false,
            Test::Broken(format!("unknown condition operator {other}").into()),
        ),
    }
}

fn arn(values: &[String], variables: bool) -> Test {
    Test::Arn {
        values: values
            .iter()
            .map(|v| ArnPattern::compile(v, variables, variables))
            .collect(),
    }
}

fn collect<T>(
    values: &[String],
    parse: impl Fn(&str) -> Option<T>,
    build: impl FnOnce(Vec<T>) -> Test,
) -> Test {
    let mut parsed = Vec::with_capacity(values.len());
    for value in values {
        match parse(value) {
            Some(item) => parsed.push(item),
            None => return Test::Broken(format!("value {value:?} cannot be read").into()),
        }
    }
    build(parsed)
}

fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let valid = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !valid {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
