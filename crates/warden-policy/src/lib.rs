//! The IAM policy language: parse, validate, compile, evaluate and explain.
//!
//! Pure: no I/O, no clock, no randomness. The current time, the caller and every condition key
//! arrive in the [`RequestContext`].
//!
//! - [`Policy::parse`] validates a document for a [`PolicyKind`] with AWS's exact
//!   `MalformedPolicyDocument` messages and compiles it; [`check`] lists every finding.
//! - [`evaluate`] applies AWS's algorithm to a [`PolicySet`] and returns a [`Decision`] that can
//!   explain itself ([`Decision::aws_reason`], [`Decision::explain`]); [`decide`] first applies
//!   the actions AWS answers without any policy ([`exemption`]: `sts:GetCallerIdentity`).
//! - [`size_without_whitespace`] measures a document the way IAM quotas do; the caller compares
//!   it with the limit of its context ([`limits`]).
//!
//! Invariants: evaluation never panics and never allocates per statement (one lowercase copy
//! of the action, then only the matched/missing/unevaluable lists of the decision); matching is
//! linear-time globbing, no regular expressions; a statement that cannot be evaluated never
//! allows and, as a Deny, still denies.
//!
//! What the caller provides: every condition key, including `aws:username`, `aws:userid`,
//! `aws:PrincipalTag/*` and `aws:CurrentTime` (only `aws:PrincipalArn`, `aws:PrincipalAccount`
//! and `aws:ResourceAccount` fall back to the [`Principal`] and the resource account); the
//! policies that apply (no SCPs for the management account or service-linked roles; an empty
//! session-policy list means "no session policy", so a `GetFederationToken` session without one
//! must be refused by the caller); principal existence checks for trust policies.
//!
//! Choices where AWS documents no answer:
//! `"Principal": "*"` in a same-account resource policy grants like a named session; a plain
//! (non-`For*`) operator on a multivalued key behaves like `ForAnyValue`; an ARN pattern with
//! fewer than six segments is matched as one string; only the first validation error is
//! reported, as IAM does, followed by warnings.
#![warn(missing_docs)]

mod action_match;
mod arn;
mod condition;
mod context;
mod datetime;
mod decision;
mod document;
mod evaluate;
mod exempt;
mod glob;
mod json;
mod policy;
mod spans;
mod validate;

pub use action_match::ActionMatcher;
pub use arn::ArnParts;
pub use context::{ContextMap, ContextValue, Principal, PrincipalKind, RequestContext};
pub use decision::{Decision, Layer, Outcome, StatementRef};
pub use document::{
    ActionClause, ConditionBlock, Effect, PolicyDocument, PrincipalClause, PrincipalSet,
    PrincipalType, ResourceClause, Statement, Version,
};
pub use evaluate::{PolicySet, ResourcePolicyKind, evaluate};
pub use exempt::{Exemption, decide, exempt_action, exemption};
pub use policy::{Policy, PolicyError, PolicyKind};
pub use spans::{StatementSpan, TextPosition, statement_spans};
pub use validate::{Finding, ParseOptions, Severity};

/// Every finding for a document: the AWS error IAM would report (at most one, first), then
/// warnings about accepted but suspicious constructs.
pub fn check(json: &str, kind: PolicyKind) -> Vec<Finding> {
    check_with(json, kind, ParseOptions::default())
}

/// [`check`] with options (e.g. the managed-policy version rule).
pub fn check_with(json: &str, kind: PolicyKind, options: ParseOptions) -> Vec<Finding> {
    match validate::validate(json, kind, options) {
        Ok(root) => validate::warnings(&root, kind),
        Err(message) => vec![Finding {
            severity: Severity::Error,
            message,
        }],
    }
}

/// The number of characters excluding whitespace, as IAM counts policy sizes.
pub fn size_without_whitespace(json: &str) -> usize {
    json.chars().filter(|c| !c.is_whitespace()).count()
}

/// IAM size quotas in characters (excluding whitespace) for each place a document is stored.
pub mod limits {
    /// Managed policy.
    pub const MANAGED: usize = 6144;
    /// Inline policies of one user (aggregate).
    pub const USER_INLINE: usize = 2048;
    /// Inline policies of one group (aggregate).
    pub const GROUP_INLINE: usize = 5120;
    /// Inline policies of one role (aggregate).
    pub const ROLE_INLINE: usize = 10240;
    /// Role trust policy (default quota).
    pub const TRUST: usize = 2048;
    /// Inline session policy.
    pub const SESSION: usize = 2048;
    /// Service or resource control policy.
    pub const ORGANIZATIONS: usize = 5120;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Policy>();
        assert_send_sync::<Decision>();
    }

    #[test]
    fn check_reports_the_aws_error_or_warnings() {
        let bad = check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
            PolicyKind::Identity,
        );
        assert_eq!(
            bad,
            vec![Finding {
                severity: Severity::Error,
                message: "Policy statement must contain actions.".into()
            }]
        );
        let suspicious = check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"},"NumericLessThan":{"n":"ten"}}}}"#,
            PolicyKind::Identity,
        );
        assert_eq!(suspicious.len(), 2, "{suspicious:?}");
        assert!(suspicious.iter().all(|f| f.severity == Severity::Warning));
        let clean = check(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            PolicyKind::Identity,
        );
        assert!(clean.is_empty());
        let managed = ParseOptions {
            require_version_2012: true,
            ..ParseOptions::default()
        };
        let unversioned = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
        assert_eq!(
            check_with(unversioned, PolicyKind::Identity, managed).len(),
            1
        );
        let error =
            Policy::parse_with("p", unversioned, PolicyKind::Identity, managed).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Policy document must be version 2012-10-17 or greater."
        );
        assert_eq!(error.message(), error.to_string());
    }

    /// Splices fragments of policy syntax at pseudo-random: parsing and checking must return
    /// (an error or a policy), never panic, and every accepted policy must round-trip.
    #[test]
    fn random_documents_never_panic() {
        const FRAGMENTS: [&str; 24] = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"Version\"",
            "\"2012-10-17\"",
            "\"Statement\"",
            "\"Effect\"",
            "\"Allow\"",
            "\"Deny\"",
            "\"Action\"",
            "\"s3:*\"",
            "\"Resource\"",
            "\"arn:aws:s3:::b/*\"",
            "\"Condition\"",
            "\"DateLessThan\"",
            "\"aws:CurrentTime\"",
            "\"2020-01-01T00:00:00Z\"",
            "\"Principal\"",
            "\"*\"",
            "1",
            "\"${aws:username}\"",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let kinds = [
            PolicyKind::Identity,
            PolicyKind::Resource,
            PolicyKind::Trust,
            PolicyKind::Rcp,
        ];
        for round in 0..20_000 {
            let length = 1 + usize::try_from(next() % 40).unwrap();
            let text: String = (0..length)
                .map(|_| FRAGMENTS[usize::try_from(next()).unwrap() % FRAGMENTS.len()])
                .collect();
            let kind = kinds[round % kinds.len()];
            let _ = check(&text, kind);
            if let Ok(policy) = Policy::parse("p", &text, kind) {
                assert_eq!(
                    Policy::parse("p", &policy.to_json(), kind).as_ref(),
                    Ok(&policy)
                );
            }
        }
    }

    #[test]
    fn size_ignores_whitespace() {
        assert_eq!(size_without_whitespace("{ \"a\" :\n\t\"b c\" }"), 10);
    }
}
