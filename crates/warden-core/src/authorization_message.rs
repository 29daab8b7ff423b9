//! Encoded authorization messages: the detail of a refusal — allowed or not, whether an
//! explicit Deny decided it, the statements that matched, the principal, action, resource and
//! the request's condition keys — sealed so that only a caller allowed
//! `sts:DecodeAuthorizationMessage` in the same account can read it (STS's
//! DecodeAuthorizationMessage). The decoded form is AWS's JSON (`allowed`, `explicitDeny`,
//! `matchedStatements`, `failures`, `context`).
//!
//! The message is the detail as JSON, with its account, sealed (AES-256-GCM, the `Sealer`)
//! under the data key with a purpose label of its own, then base64url-encoded.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use warden_crypto::Sealer;
use warden_policy::{ContextMap, ContextValue, Decision, Outcome};

use crate::caller::Caller;

/// The associated data every encoded message is sealed with.
const PURPOSE: &[u8] = b"warden/sts/authorization-message/v1";

/// A refusal by the policies: AWS's AccessDenied message and its detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// `User: … is not authorized to perform: … on resource: … because …`.
    pub message: String,
    /// What the encoded message tells.
    pub(crate) detail: DenialDetail,
}

impl Refusal {
    /// The `AccessDenied` to answer: the message, followed by the encoded detail when
    /// `sealer` is given (the server encodes authorization messages).
    pub(crate) fn into_error(self, sealer: Option<&Sealer>) -> crate::ServiceError {
        match sealer.and_then(|sealer| self.detail.encode(sealer)) {
            Some(encoded) => crate::ServiceError::AccessDenied(format!(
                "{}. Encoded authorization failure message: {encoded}",
                self.message
            )),
            None => crate::ServiceError::AccessDenied(self.message),
        }
    }
}

/// What a refusal's encoded message tells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DenialDetail {
    /// The account the request was made in (only its principals may decode it).
    pub(crate) account: String,
    /// The decoded message, as AWS shapes it.
    pub(crate) message: Value,
}

impl DenialDetail {
    /// The detail of `decision` for `caller`'s request of `action` on `resource`.
    pub(crate) fn new(
        caller: &Caller,
        action: &str,
        resource: &str,
        context: &ContextMap,
        decision: &Decision,
    ) -> Self {
        let items = |values: Vec<Value>| json!({ "items": values });
        let matched: Vec<Value> = decision
            .matched
            .iter()
            .map(|statement| {
                json!({
                    "statementId": statement
                        .sid
                        .as_deref()
                        .map_or_else(|| format!("{}#{}", statement.policy_id, statement.index), str::to_owned),
                    "effect": match statement.effect {
                        warden_policy::Effect::Allow => "ALLOW",
                        warden_policy::Effect::Deny => "DENY",
                    },
                    "principals": items(vec![json!({ "value": caller.user_id() })]),
                    "principalGroups": items(Vec::new()),
                    "actions": items(vec![json!({ "value": action })]),
                    "resources": items(vec![json!({ "value": resource })]),
                    "conditions": items(Vec::new()),
                })
            })
            .collect();
        let conditions: Vec<Value> = context
            .iter()
            .map(|(key, value)| {
                let values: Vec<Value> = match value {
                    ContextValue::Single(one) => vec![json!({ "value": one })],
                    ContextValue::Multi(many) => {
                        many.iter().map(|one| json!({ "value": one })).collect()
                    }
                };
                json!({ "key": key, "values": items(values) })
            })
            .collect();
        let name = caller.arn.rsplit('/').next().unwrap_or(&caller.arn);
        Self {
            account: caller.account_id.clone(),
            message: json!({
                "allowed": decision.outcome == Outcome::Allowed,
                "explicitDeny": decision.outcome == Outcome::ExplicitDeny,
                "matchedStatements": items(matched),
                "failures": items(Vec::new()),
                "context": {
                    "principal": {
                        "id": caller.user_id(),
                        "name": name,
                        "arn": caller.arn,
                    },
                    "action": action,
                    "resource": resource,
                    "conditions": items(conditions),
                },
            }),
        }
    }

    /// The encoded message.
    pub(crate) fn encode(&self, sealer: &Sealer) -> Option<String> {
        let plain = serde_json::to_vec(&json!({ "a": self.account, "m": self.message })).ok()?;
        let sealed = sealer.seal(&plain, PURPOSE).ok()?;
        Some(URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Opens an encoded message; `None` when it is not one Warden encoded under this data
    /// key.
    pub(crate) fn decode(sealer: &Sealer, encoded: &str) -> Option<Self> {
        let sealed = URL_SAFE_NO_PAD.decode(encoded.trim()).ok()?;
        let plain = sealer.open(&sealed, PURPOSE).ok()?;
        let mut value: Value = serde_json::from_slice(&plain).ok()?;
        Some(Self {
            account: value.get("a")?.as_str()?.to_owned(),
            message: value.get_mut("m")?.take(),
        })
    }
}
