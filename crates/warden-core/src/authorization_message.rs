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
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DenialDetail {
    /// The account the request was made in (only its principals may decode it).
    #[serde(rename = "a")]
    pub(crate) account: String,
    /// The decoded message, as AWS shapes it.
    #[serde(rename = "m")]
    pub(crate) message: DecodedMessage,
}

/// DecodeAuthorizationMessage's `DecodedMessage`, members in AWS's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DecodedMessage {
    allowed: bool,
    explicit_deny: bool,
    matched_statements: Items<MatchedStatement>,
    failures: Items<Value>,
    context: MessageContext,
}

/// AWS's `{"items": [...]}` wrapper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

/// AWS's `{"value": ...}` wrapper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Value {
    value: String,
}

/// A statement that decided the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MatchedStatement {
    statement_id: String,
    effect: String,
    principals: Items<Value>,
    principal_groups: Items<Value>,
    actions: Items<Value>,
    resources: Items<Value>,
    conditions: Items<Condition>,
}

/// A condition key and its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Condition {
    key: String,
    values: Items<Value>,
}

/// The request the message is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MessageContext {
    principal: MessagePrincipal,
    action: String,
    resource: String,
    conditions: Items<Condition>,
}

/// Who made the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MessagePrincipal {
    id: String,
    name: String,
    arn: String,
}

/// `items` of single values.
fn values<'v>(values: impl IntoIterator<Item = &'v str>) -> Items<Value> {
    Items {
        items: values
            .into_iter()
            .map(|value| Value {
                value: value.to_owned(),
            })
            .collect(),
    }
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
        let matched = decision
            .matched
            .iter()
            .map(|statement| MatchedStatement {
                statement_id: statement.sid.as_deref().map_or_else(
                    || format!("{}#{}", statement.policy_id, statement.index),
                    str::to_owned,
                ),
                effect: match statement.effect {
                    warden_policy::Effect::Allow => "ALLOW",
                    warden_policy::Effect::Deny => "DENY",
                }
                .to_owned(),
                principals: values([caller.user_id()]),
                principal_groups: values([]),
                actions: values([action]),
                resources: values([resource]),
                conditions: Items { items: Vec::new() },
            })
            .collect();
        let conditions = context
            .iter()
            .map(|(key, value)| Condition {
                key: key.to_owned(),
                values: match value {
                    ContextValue::Single(one) => values([one.as_str()]),
                    ContextValue::Multi(many) => values(many.iter().map(String::as_str)),
                },
            })
            .collect();
        let name = caller.arn.rsplit('/').next().unwrap_or(&caller.arn);
        Self {
            account: caller.account_id.clone(),
            message: DecodedMessage {
                allowed: decision.outcome == Outcome::Allowed,
                explicit_deny: decision.outcome == Outcome::ExplicitDeny,
                matched_statements: Items { items: matched },
                failures: Items { items: Vec::new() },
                context: MessageContext {
                    principal: MessagePrincipal {
                        id: caller.user_id().to_owned(),
                        name: name.to_owned(),
                        arn: caller.arn.clone(),
                    },
                    action: action.to_owned(),
                    resource: resource.to_owned(),
                    conditions: Items { items: conditions },
                },
            },
        }
    }

    /// The decoded message's text (JSON).
    pub(crate) fn message_text(&self) -> String {
        serde_json::to_string(&self.message).unwrap_or_default()
    }

    /// The encoded message.
    pub(crate) fn encode(&self, sealer: &Sealer) -> Option<String> {
        let plain = serde_json::to_vec(self).ok()?;
        let sealed = sealer.seal(&plain, PURPOSE).ok()?;
        Some(URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Opens an encoded message; `None` when it is not one Warden encoded under this data
    /// key.
    pub(crate) fn decode(sealer: &Sealer, encoded: &str) -> Option<Self> {
        let sealed = URL_SAFE_NO_PAD.decode(encoded.trim()).ok()?;
        let plain = sealer.open(&sealed, PURPOSE).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}
