//! The result of an evaluation and its explanations.

use std::fmt::Write as _;

use crate::document::Effect;

/// Allowed or which kind of deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every required layer allows and nothing denies.
    Allowed,
    /// A matching Deny statement.
    ExplicitDeny,
    /// A required layer has no matching Allow.
    ImplicitDeny,
}

/// A layer of policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Identity-based policies.
    Identity,
    /// The permissions boundary.
    Boundary,
    /// Session policies.
    Session,
    /// The resource-based policy (including trust and key policies).
    Resource,
    /// Service control policies.
    Scp,
    /// Resource control policies.
    Rcp,
    /// No layer: the action needs no permission ([`crate::exemption`]).
    Exempt,
}

impl Layer {
    /// The noun AWS uses in AccessDenied messages, e.g. `identity-based policy`.
    pub fn aws_noun(self) -> &'static str {
        match self {
            Self::Identity => "identity-based policy",
            Self::Boundary => "permissions boundary",
            Self::Session => "session policy",
            Self::Resource => "resource-based policy",
            Self::Scp => "service control policy",
            Self::Rcp => "resource control policy",
            Self::Exempt => "exemption",
        }
    }

    fn article(self) -> &'static str {
        match self {
            Self::Identity => "an",
            _ => "a",
        }
    }
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The id of the policy.
    pub policy_id: std::sync::Arc<str>,
    /// The statement's `Sid`, if any.
    pub sid: Option<std::sync::Arc<str>>,
    /// The statement's position in the policy (0-based).
    pub index: usize,
    /// The layer the policy was passed in.
    pub layer: Layer,
    /// The statement's effect.
    pub effect: Effect,
}

/// The result of [`evaluate`](crate::evaluate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed, explicitly denied or implicitly denied.
    pub outcome: Outcome,
    /// For an allow, the layer that granted; for a deny, the layer that denied or lacked an
    /// allow.
    pub layer: Layer,
    /// Matching Deny statements for an explicit deny, otherwise matching Allow statements.
    pub matched: Vec<StatementRef>,
    /// Condition keys that statements asked for but the request did not have.
    pub missing_keys: Vec<String>,
    /// Statements that could not be evaluated (they never allow; as Deny they deny).
    pub unevaluable: Vec<String>,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }

    /// The reason suffix of AWS's AccessDenied message, e.g. `because no identity-based
    /// policy allows the iam:CreateUser action` or `with an explicit deny in a service control
    /// policy`. Empty when allowed.
    pub fn aws_reason(&self, action: &str) -> String {
        match self.outcome {
            Outcome::Allowed => String::new(),
            Outcome::ExplicitDeny => {
                format!(
                    "with an explicit deny in {} {}",
                    self.layer.article(),
                    self.layer.aws_noun()
                )
            }
            Outcome::ImplicitDeny => format!(
                "because no {} allows the {action} action",
                self.layer.aws_noun()
            ),
        }
    }

    /// A human explanation, e.g. `denied: no identity-based policy allows s3:GetObject;
    /// permissions boundary arn:…#Sid allows it; missing key aws:MultiFactorAuthPresent`.
    pub fn explain(&self, action: &str) -> String {
        let mut out = match self.outcome {
            Outcome::Allowed if self.layer == Layer::Exempt => format!(
                "allowed: {action} needs no permission; AWS answers it for every authenticated \
                 caller, even when a policy denies it"
            ),
            Outcome::Allowed => format!(
                "allowed: {action} is allowed by {} {}",
                self.layer.article(),
                self.layer.aws_noun()
            ),
            Outcome::ExplicitDeny => {
                format!(
                    "denied: an explicit deny in {} {} matches {action}",
                    self.layer.article(),
                    self.layer.aws_noun()
                )
            }
            Outcome::ImplicitDeny => {
                format!("denied: no {} allows {action}", self.layer.aws_noun())
            }
        };
        for statement in &self.matched {
            let _ = write!(
                out,
                "; {} {}",
                statement.layer.aws_noun(),
                statement.policy_id
            );
            match &statement.sid {
                Some(sid) if !sid.is_empty() => {
                    let _ = write!(out, "#{sid}");
                }
                _ => {
                    let _ = write!(out, "#{}", statement.index);
                }
            }
            out.push_str(match statement.effect {
                Effect::Allow => " allows it",
                Effect::Deny => " denies it",
            });
        }
        if !self.missing_keys.is_empty() {
            let noun = if self.missing_keys.len() == 1 {
                "key"
            } else {
                "keys"
            };
            let _ = write!(out, "; missing {noun} {}", self.missing_keys.join(", "));
        }
        if !self.unevaluable.is_empty() {
            let _ = write!(out, "; unevaluable: {}", self.unevaluable.join("; "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(outcome: Outcome, layer: Layer) -> Decision {
        Decision {
            outcome,
            layer,
            matched: Vec::new(),
            missing_keys: Vec::new(),
            unevaluable: Vec::new(),
        }
    }

    #[test]
    fn aws_reasons() {
        let cases = [
            (
                Outcome::ImplicitDeny,
                Layer::Identity,
                "because no identity-based policy allows the iam:CreateUser action",
            ),
            (
                Outcome::ImplicitDeny,
                Layer::Boundary,
                "because no permissions boundary allows the iam:CreateUser action",
            ),
            (
                Outcome::ImplicitDeny,
                Layer::Session,
                "because no session policy allows the iam:CreateUser action",
            ),
            (
                Outcome::ImplicitDeny,
                Layer::Resource,
                "because no resource-based policy allows the iam:CreateUser action",
            ),
            (
                Outcome::ImplicitDeny,
                Layer::Scp,
                "because no service control policy allows the iam:CreateUser action",
            ),
            (
                Outcome::ImplicitDeny,
                Layer::Rcp,
                "because no resource control policy allows the iam:CreateUser action",
            ),
            (
                Outcome::ExplicitDeny,
                Layer::Identity,
                "with an explicit deny in an identity-based policy",
            ),
            (
                Outcome::ExplicitDeny,
                Layer::Scp,
                "with an explicit deny in a service control policy",
            ),
            (
                Outcome::ExplicitDeny,
                Layer::Resource,
                "with an explicit deny in a resource-based policy",
            ),
            (
                Outcome::ExplicitDeny,
                Layer::Boundary,
                "with an explicit deny in a permissions boundary",
            ),
            (Outcome::Allowed, Layer::Identity, ""),
        ];
        for (outcome, layer, expected) in cases {
            assert_eq!(
                decision(outcome, layer).aws_reason("iam:CreateUser"),
                expected
            );
        }
    }

    #[test]
    fn explanation_lists_statements_and_missing_keys() {
        let mut d = decision(Outcome::ImplicitDeny, Layer::Identity);
        d.matched.push(StatementRef {
            policy_id: "b".into(),
            sid: Some("S".into()),
            index: 0,
            layer: Layer::Boundary,
            effect: Effect::Allow,
        });
        d.missing_keys.push("aws:MultiFactorAuthPresent".into());
        assert_eq!(
            d.explain("s3:GetObject"),
            "denied: no identity-based policy allows s3:GetObject; permissions boundary b#S allows it; missing key aws:MultiFactorAuthPresent"
        );
    }
}
