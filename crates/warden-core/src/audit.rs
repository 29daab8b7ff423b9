//! Recording calls: one CloudTrail record per API call, built from what the pipeline saw
//! ([`CallRecord`]) and appended durably before the reply ([`Warden::record`]).
//!
//! The record is written whatever the outcome — success, AccessDenied, failed
//! authentication, validation error. Its per-operation facts come from the generated
//! operation table: `readOnly`, and the sensitive members that [`warden_audit::redact`]
//! removes from parameters and response elements; its resources are those the call was
//! authorized on. A call naming no known operation keeps no parameters (nothing says which
//! of them are secret). If the record cannot be made durable the call fails (fail closed):
//! the pipeline answers an error instead of the operation's result.

use serde_json::{Map, Value};
use warden_audit::{
    AuditEvent, EVENT_VERSION, EventCategory, EventType, IdentityType, Resource, SessionAttributes,
    SessionContext, SessionIssuer, UserIdentity, redact,
};
use warden_protocol::{AccessLevel, Arn, OperationInfo};
use warden_store::NewAuditRecord;

use crate::caller::{Caller, CallerKind};
use crate::error::ServiceError;
use crate::{RequestFacts, Warden};

/// A user a federation call authenticated, as its CloudTrail record names it (the call has
/// no caller: the identity provider vouched for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Federated {
    /// `SAMLUser`.
    pub identity_type: IdentityType,
    /// `principalId`: for SAML, `NameQualifier:Subject`.
    pub principal_id: String,
    /// `userName`: for SAML, the subject.
    pub user_name: String,
    /// `identityProvider`: for SAML, the `NameQualifier`.
    pub identity_provider: String,
    /// The account the call is recorded in (the role's).
    pub account_id: String,
}

/// Everything the pipeline knows about one finished call.
#[derive(Debug)]
pub struct CallRecord<'a> {
    /// `eventSource`, e.g. `iam.amazonaws.com`.
    pub event_source: &'a str,
    /// `eventName`: the action as the client named it (may be unknown to Warden).
    pub event_name: &'a str,
    /// The operation's table entry, when the client named a known operation.
    pub operation: Option<&'static OperationInfo>,
    /// The resources the call was authorized on.
    pub resources: &'a [Arn],
    /// The authenticated caller; `None` when authentication failed or was not attempted.
    pub caller: Option<&'a Caller>,
    /// The user a federation call (without caller) authenticated.
    pub federated: Option<&'a Federated>,
    /// The access key the request claimed, authenticated or not.
    pub access_key_id: Option<&'a str>,
    /// The account whose trail receives the record (`recipientAccountId`).
    pub recipient_account_id: &'a str,
    /// Transport facts: source address, user agent, region, time.
    pub facts: &'a RequestFacts,
    /// The request's parameters as CloudTrail shows them (lowerCamel keys), before redaction.
    pub request_parameters: Option<Value>,
    /// The response's elements (lowerCamel keys), before redaction; only kept for writes.
    pub response_elements: Option<Value>,
    /// The AWS error code and message, when the call failed.
    pub error: Option<(&'a str, &'a str)>,
    /// The request id returned to the client.
    pub request_id: &'a str,
}

impl CallRecord<'_> {
    /// The CloudTrail record for this call, with a fresh `eventID`.
    #[must_use]
    pub fn to_event(self, event_id: String) -> AuditEvent {
        let read_only = self.operation.is_some_and(|info| info.read_only);
        let user_identity = self.identity();
        let aws_region = self.region();
        let resources = self.resources();
        let request_parameters = self.operation.and_then(|info| {
            self.request_parameters
                .map(|parameters| redact::redacted(parameters, info.sensitive_input))
        });
        let succeeded = self.error.is_none();
        AuditEvent {
            event_version: EVENT_VERSION.to_owned(),
            user_identity,
            event_time: self.facts.now,
            event_source: self.event_source.to_owned(),
            event_name: self.event_name.to_owned(),
            aws_region,
            source_ip_address: self
                .facts
                .source_ip
                .map_or_else(String::new, |ip| ip.to_string()),
            user_agent: self.facts.user_agent.clone(),
            error_code: self.error.map(|(code, _)| code.to_owned()),
            error_message: self.error.map(|(_, message)| message.to_owned()),
            request_parameters,
            response_elements: self.operation.and_then(|info| {
                self.response_elements
                    .filter(|_| succeeded && !read_only)
                    .map(|elements| redact::redacted(elements, info.sensitive_output))
            }),
            request_id: self.request_id.to_owned(),
            event_id,
            read_only,
            resources,
            event_type: EventType::AwsApiCall,
            management_event: true,
            recipient_account_id: self.recipient_account_id.to_owned(),
            event_category: EventCategory::Management,
            additional_event_data: None,
            tls_details: None,
        }
    }

    fn identity(&self) -> UserIdentity {
        if let (None, Some(federated)) = (self.caller, self.federated) {
            return UserIdentity {
                identity_type: federated.identity_type,
                principal_id: Some(federated.principal_id.clone()),
                arn: None,
                account_id: None,
                access_key_id: None,
                user_name: Some(federated.user_name.clone()),
                session_context: None,
                invoked_by: None,
                identity_provider: Some(federated.identity_provider.clone()),
            };
        }
        let Some(caller) = self.caller else {
            return UserIdentity {
                identity_type: IdentityType::Unknown,
                principal_id: None,
                arn: None,
                account_id: None,
                access_key_id: self.access_key_id.map(str::to_owned),
                user_name: None,
                session_context: None,
                invoked_by: None,
                identity_provider: None,
            };
        };
        let (identity_type, user_name, issuer) = match &caller.kind {
            CallerKind::Root => (IdentityType::Root, None, None),
            CallerKind::User { user_name, .. } => {
                (IdentityType::IamUser, Some(user_name.clone()), None)
            }
            CallerKind::AssumedRole {
                role_name,
                role_id,
                role_arn,
                ..
            } => (
                IdentityType::AssumedRole,
                None,
                Some(SessionIssuer {
                    issuer_type: "Role".to_owned(),
                    principal_id: role_id.clone(),
                    arn: role_arn.clone(),
                    account_id: caller.account_id.clone(),
                    user_name: role_name.clone(),
                }),
            ),
        };
        let session_context = caller.session.as_ref().map(|session| SessionContext {
            session_issuer: issuer,
            attributes: SessionAttributes {
                creation_date: session.issued_at,
                mfa_authenticated: session.mfa_authenticated_at.is_some(),
            },
            source_identity: session.source_identity.clone(),
        });
        UserIdentity {
            identity_type,
            principal_id: Some(caller.user_id().to_owned()),
            arn: Some(caller.arn.clone()),
            account_id: Some(caller.account_id.clone()),
            access_key_id: Some(caller.access_key_id.clone()),
            user_name,
            session_context,
            invoked_by: None,
            identity_provider: None,
        }
    }

    /// The resources CloudTrail lists: those the call was authorized on, except for List
    /// operations (which name a path or prefix, not a resource).
    fn resources(&self) -> Vec<Resource> {
        if self
            .operation
            .is_some_and(|info| info.access_level == Some(AccessLevel::List))
        {
            return Vec::new();
        }
        self.resources
            .iter()
            .map(|arn| Resource {
                account_id: Some(self.recipient_account_id.to_owned()),
                resource_type: arn.resource_type.cloudtrail_type.to_owned(),
                arn: arn.value.clone(),
            })
            .collect()
    }

    /// IAM is global: CloudTrail records its calls in `us-east-1`.
    fn region(&self) -> String {
        if self.event_source == "iam.amazonaws.com" {
            "us-east-1".to_owned()
        } else {
            self.facts.region.clone()
        }
    }
}

/// A JSON value with every object key turned lowerCamel (`UserName` → `userName`), as
/// CloudTrail writes parameters and response elements.
#[must_use]
pub fn lower_camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (lower_camel(&key), lower_camel_keys(value)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(lower_camel_keys).collect()),
        other => other,
    }
}

/// `UserName` → `userName`, `MFADevice` → `mFADevice` (CloudTrail lowers the first letter only).
fn lower_camel(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The largest list index kept as a position when turning Query parameters into JSON
/// (`member.N` beyond it stays a plain key, so no request can make a huge array).
const MAX_LIST_INDEX: usize = 1000;

/// Query-protocol parameters (without `Action` and `Version`) as CloudTrail records them:
/// `Tags.member.1.Key=k` becomes `{"tags": [{"key": "k"}]}`. `None` when there are none.
#[must_use]
pub fn parameters_from_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Value> {
    let mut root = Value::Object(Map::new());
    let mut any = false;
    // A presigned request's signing parameters (`X-Amz-Signature`, `X-Amz-Credential`, the
    // session token `X-Amz-Security-Token`, …) are not the operation's members: never kept.
    let signing = |name: &str| {
        name.get(..6)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-amz-"))
    };
    for (name, value) in
        pairs.filter(|(name, _)| !matches!(*name, "Action" | "Version") && !signing(name))
    {
        let path: Vec<&str> = name
            .split('.')
            .filter(|segment| !matches!(*segment, "member" | "entry"))
            .collect();
        insert_at(&mut root, &path, Value::String(value.to_owned()));
        any = true;
    }
    any.then_some(root)
}

/// Sets `leaf` at `path` under `node`, creating objects (named segments) and arrays
/// (numeric segments, 1-based) on the way; a conflicting shape keeps what is there.
fn insert_at(node: &mut Value, path: &[&str], leaf: Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = leaf;
        return;
    };
    let index = first
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_LIST_INDEX).contains(n));
    match (index, node) {
        (Some(position), node @ (Value::Null | Value::Array(_))) => {
            if node.is_null() {
                *node = Value::Array(Vec::new());
            }
            if let Value::Array(items) = node {
                if items.len() < position {
                    items.resize(position, Value::Null);
                }
                if let Some(slot) = items.get_mut(position - 1) {
                    insert_at(slot, rest, leaf);
                }
            }
        }
        (_, node @ (Value::Null | Value::Object(_))) => {
            if node.is_null() {
                *node = Value::Object(Map::new());
            }
            if let Value::Object(map) = node {
                let slot = map.entry(lower_camel(first)).or_insert(Value::Null);
                insert_at(slot, rest, leaf);
            }
        }
        _ => {}
    }
}

impl Warden {
    /// Appends `event` to the audit log and waits, without holding a thread, until it is
    /// durable.
    ///
    /// # Errors
    ///
    /// [`ServiceError::AuditUnavailable`] when the record cannot be encoded or made durable:
    /// the call must then fail.
    pub async fn record(&self, event: &AuditEvent) -> Result<(), ServiceError> {
        if !self.is_recording() {
            return Ok(());
        }
        let record =
            NewAuditRecord::from_event(event).map_err(|error| audit_unavailable(&error))?;
        self.audit
            .submit(vec![record])
            .finish()
            .await
            .map(drop)
            .map_err(|error| audit_unavailable(&error))
    }
}

fn audit_unavailable(error: &warden_store::StoreError) -> ServiceError {
    tracing::error!(%error, "audit record not written; failing the call");
    ServiceError::AuditUnavailable
}

#[cfg(test)]
mod tests;
