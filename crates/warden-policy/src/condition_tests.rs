//! Condition operators, table-driven.

use super::*;
use crate::glob::Variables;

#[derive(Default)]
struct Ctx(Vec<(&'static str, Vec<String>, bool)>);

impl Ctx {
    fn single(mut self, key: &'static str, value: &str) -> Self {
        self.0.push((key, vec![value.to_owned()], false));
        self
    }
    fn multi(mut self, key: &'static str, values: &[&str]) -> Self {
        self.0
            .push((key, values.iter().map(|v| (*v).to_owned()).collect(), true));
        self
    }
}

impl Variables for Ctx {
    fn lookup(&self, key_lower: &str) -> Option<&str> {
        match self.value(key_lower)? {
            Found::Single(v) => Some(v),
            Found::Multi(_) => None,
        }
    }
}

impl ConditionContext for Ctx {
    fn value(&self, key_lower: &str) -> Option<Found<'_>> {
        let (_, values, multi) = self
            .0
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key_lower))?;
        Some(if *multi {
            Found::Multi(values)
        } else {
            Found::Single(values.first()?.as_str())
        })
    }
}

fn eval(operator: &str, key: &str, values: &[&str], ctx: &Ctx) -> Truth {
    let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    Condition::compile(operator, key, &values, true)
        .evaluate(ctx)
        .truth
}

use Truth::{False as F, True as T, Unevaluable as U};

#[test]
fn string_operators() {
    let ctx = Ctx::default()
        .single("aws:username", "Bob")
        .single("s3:prefix", "home/Bob/x");
    let cases: &[(&str, &str, &[&str], Truth)] = &[
        ("StringEquals", "aws:username", &["Bob"], T),
        ("StringEquals", "AWS:UserName", &["bob"], F),
        ("StringEquals", "aws:username", &["B*"], F),
        ("StringEqualsIgnoreCase", "aws:username", &["bob"], T),
        ("StringNotEquals", "aws:username", &["Alice", "Carol"], T),
        ("StringNotEquals", "aws:username", &["Alice", "Bob"], F),
        ("StringNotEqualsIgnoreCase", "aws:username", &["BOB"], F),
        ("StringLike", "s3:prefix", &["home/${aws:username}/*"], T),
        ("StringLike", "s3:prefix", &["home/?ob/*"], T),
        ("StringNotLike", "s3:prefix", &["home/*"], F),
        ("StringEquals", "missing", &["x"], F),
        ("StringNotEquals", "missing", &["x"], T),
        ("StringEqualsIfExists", "missing", &["x"], T),
        ("StringNotEqualsIfExists", "missing", &["x"], T),
        ("StringEquals", "aws:username", &["${aws:userid}"], F),
        ("StringNotEquals", "aws:username", &["${aws:userid}"], T),
        ("StringEquals", "aws:username", &["${aws:userid, 'Bob'}"], T),
        ("StringEquals", "aws:username", &[], F),
    ];
    for (op, key, values, expected) in cases {
        assert_eq!(
            eval(op, key, values, &ctx),
            *expected,
            "{op} {key} {values:?}"
        );
    }
}

#[test]
fn typed_operators() {
    let ctx = Ctx::default()
        .single("n", "10")
        .single("t", "2020-06-01T00:00:00Z")
        .single("e", "1591000000")
        .single("b", "true")
        .single("ip", "10.1.2.3")
        .single("ip6", "2001:db8::1")
        .single("bad", "not-a-number")
        .single("bin", "aGVsbG8=")
        .single("arn", "arn:aws:iam::123456789012:role/admin");
    let cases: &[(&str, &str, &[&str], Truth)] = &[
        ("NumericEquals", "n", &["10"], T),
        ("NumericEquals", "n", &["10.0"], T),
        ("NumericNotEquals", "n", &["10", "11"], F),
        ("NumericLessThan", "n", &["11"], T),
        ("NumericLessThanEquals", "n", &["10"], T),
        ("NumericGreaterThan", "n", &["10"], F),
        ("NumericGreaterThanEquals", "n", &["9"], T),
        ("NumericEquals", "bad", &["1"], U),
        ("NumericEquals", "n", &["abc"], U),
        ("DateGreaterThan", "t", &["2020-01-01T00:00:00Z"], T),
        ("DateLessThan", "t", &["2020-01-01T00:00:00Z"], F),
        ("DateEquals", "t", &["1590969600"], T),
        ("DateNotEquals", "t", &["1590969600"], F),
        ("DateLessThanEquals", "e", &["2020-06-01T08:26:40Z"], T),
        ("Bool", "b", &["true"], T),
        ("Bool", "b", &["false"], F),
        ("BoolIfExists", "missing", &["false"], T),
        ("Bool", "missing", &["false"], F),
        ("IpAddress", "ip", &["10.0.0.0/8"], T),
        ("IpAddress", "ip", &["10.1.2.3"], T),
        ("IpAddress", "ip", &["192.168.0.0/16"], F),
        (
            "NotIpAddress",
            "ip",
            &["192.168.0.0/16", "172.16.0.0/12"],
            T,
        ),
        ("NotIpAddress", "ip", &["192.168.0.0/16", "10.0.0.0/8"], F),
        ("IpAddress", "ip6", &["2001:db8::/32"], T),
        ("IpAddress", "bad", &["10.0.0.0/8"], U),
        ("BinaryEquals", "bin", &["aGVsbG8="], T),
        ("BinaryEquals", "bin", &["aGVsbG9v"], F),
        ("ArnLike", "arn", &["arn:aws:iam::*:role/*"], T),
        (
            "ArnEquals",
            "arn",
            &["arn:aws:iam::123456789012:role/admin"],
            T,
        ),
        ("ArnNotLike", "arn", &["arn:aws:iam::*:user/*"], T),
        (
            "ArnNotEquals",
            "arn",
            &["arn:aws:iam::123456789012:role/admin"],
            F,
        ),
        ("ArnLike", "arn", &["arn:aws:iam::*:role/*:x"], F),
        ("Null", "missing", &["true"], T),
        ("Null", "n", &["true"], F),
        ("Null", "n", &["false"], T),
        ("Frobnicate", "n", &["1"], U),
    ];
    for (op, key, values, expected) in cases {
        assert_eq!(
            eval(op, key, values, &ctx),
            *expected,
            "{op} {key} {values:?}"
        );
    }
}

#[test]
fn set_operators() {
    let ctx = Ctx::default()
        .multi("aws:tagkeys", &["a", "b"])
        .multi("empty", &[]);
    let cases: &[(&str, &str, &[&str], Truth)] = &[
        (
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            &["a", "b", "c"],
            T,
        ),
        ("ForAllValues:StringEquals", "aws:TagKeys", &["a"], F),
        ("ForAnyValue:StringEquals", "aws:TagKeys", &["b", "z"], T),
        ("ForAnyValue:StringEquals", "aws:TagKeys", &["z"], F),
        ("ForAllValues:StringEquals", "missing", &["a"], T),
        ("ForAllValues:StringEquals", "empty", &["a"], T),
        ("ForAnyValue:StringEquals", "missing", &["a"], F),
        ("ForAnyValue:StringEquals", "empty", &["a"], F),
        (
            "ForAllValues:StringNotEquals",
            "aws:TagKeys",
            &["x", "y"],
            T,
        ),
        ("ForAllValues:StringNotEquals", "aws:TagKeys", &["a"], F),
        ("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"], T),
        ("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a", "b"], F),
        ("ForAnyValue:StringNotEquals", "empty", &["a"], F),
        ("ForAllValues:StringLike", "aws:TagKeys", &["?"], T),
        ("ForAnyValue:StringEqualsIfExists", "missing", &["a"], T),
    ];
    for (op, key, values, expected) in cases {
        assert_eq!(
            eval(op, key, values, &ctx),
            *expected,
            "{op} {key} {values:?}"
        );
    }
}

#[test]
fn variables_only_substitute_in_2012_documents() {
    let ctx = Ctx::default().single("aws:username", "${aws:username}");
    let values = vec!["${aws:username}".to_owned()];
    let literal = Condition::compile("StringEquals", "aws:username", &values, false);
    assert_eq!(literal.evaluate(&ctx).truth, T);
    let ctx = Ctx::default()
        .single("aws:username", "bob")
        .single("k", "bob");
    let substituted = Condition::compile("StringEquals", "k", &values, true);
    assert_eq!(substituted.evaluate(&ctx).truth, T);
}

#[test]
fn missing_key_is_reported() {
    let ctx = Ctx::default();
    let values = vec!["true".to_owned()];
    let outcome = Condition::compile("BoolIfExists", "aws:MultiFactorAuthPresent", &values, true)
        .evaluate(&ctx);
    assert!(outcome.key_missing);
    assert_eq!(outcome.truth, T);
}
