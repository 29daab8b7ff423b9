//! [`AuditEvent`]: one CloudTrail record, with CloudTrail's exact field names and order.
//!
//! Absent optional fields are omitted, as CloudTrail omits them; `requestParameters` and
//! `responseElements` are always written, as `null` when there are none.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::serde_format;

/// The `eventVersion` Warden writes (CloudTrail's current one).
pub const EVENT_VERSION: &str = "1.11";

/// One CloudTrail record: what one API call did, who made it and how it ended.
///
/// Build `requestParameters` and `responseElements` with [`crate::redact`] so that no secret
/// is ever recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Always [`EVENT_VERSION`] for records Warden writes.
    pub event_version: String,
    /// Who made the call.
    pub user_identity: UserIdentity,
    /// When the request completed (UTC, second precision on the wire).
    #[serde(with = "serde_format")]
    pub event_time: Timestamp,
    /// The service, e.g. `iam.amazonaws.com`, `sts.amazonaws.com`.
    pub event_source: String,
    /// The API action, e.g. `CreateUser`.
    pub event_name: String,
    /// The Region the call was made to (`us-east-1` for IAM and global STS).
    pub aws_region: String,
    /// The caller's IP address.
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    /// The caller's `User-Agent`.
    pub user_agent: String,
    /// The AWS error code when the call failed (e.g. `AccessDenied`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The error message when the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The request's parameters, redacted; `null` when there are none.
    pub request_parameters: Option<Value>,
    /// The response's elements, redacted; `null` for reads and failures.
    pub response_elements: Option<Value>,
    /// Further facts about the call; Warden sets it on aggregated records of failed
    /// unauthenticated calls (how many calls the record stands for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_event_data: Option<Value>,
    /// The request id, the value of the `x-amzn-RequestId` response header.
    #[serde(rename = "requestID")]
    pub request_id: String,
    /// A GUID unique to this record.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// Whether the action only reads.
    pub read_only: bool,
    /// The resources the call named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    /// Always [`EventType::AwsApiCall`] for API calls.
    pub event_type: EventType,
    /// Always `true` for IAM and STS calls.
    pub management_event: bool,
    /// The account that received the call.
    pub recipient_account_id: String,
    /// Always [`EventCategory::Management`] for IAM and STS calls.
    pub event_category: EventCategory,
    /// TLS parameters, when the call arrived over TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_details: Option<TlsDetails>,
}

/// The `userIdentity` of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    /// The kind of principal.
    #[serde(rename = "type")]
    pub identity_type: IdentityType,
    /// `AIDA…` for a user, `AROA…:<session>` for an assumed role, the account id for root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The principal's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The principal's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The access key the request was signed with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// The user's name (IAM users and root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Present for temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_context: Option<SessionContext>,
    /// The service that made the call on the principal's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
    /// The identity provider of a federated user (`SAMLUser`): for SAML, the session's
    /// `NameQualifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
}

/// `userIdentity.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityType {
    /// The account's root user.
    Root,
    /// An IAM user.
    #[serde(rename = "IAMUser")]
    IamUser,
    /// A role session (`AssumeRole*`).
    AssumedRole,
    /// A `GetFederationToken` session.
    FederatedUser,
    /// A user a SAML identity provider authenticated (`AssumeRoleWithSAML`).
    #[serde(rename = "SAMLUser")]
    SamlUser,
    /// Another account.
    #[serde(rename = "AWSAccount")]
    AwsAccount,
    /// An AWS service.
    #[serde(rename = "AWSService")]
    AwsService,
    /// Not established, e.g. an unknown access key or a bad signature.
    Unknown,
}

/// `userIdentity.sessionContext`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    /// The role or user whose credentials the session was issued from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
    /// When the session was created and whether MFA was used.
    pub attributes: SessionAttributes,
    /// The source identity set when the session was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// `sessionContext.attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAttributes {
    /// When the temporary credentials were issued.
    #[serde(with = "serde_format")]
    pub creation_date: Timestamp,
    /// Whether the session was authenticated with MFA; written as the *string*
    /// `"true"`/`"false"`, as CloudTrail does.
    #[serde(with = "string_bool")]
    pub mfa_authenticated: bool,
}

/// `sessionContext.sessionIssuer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    /// `Root`, `IAMUser` or `Role`.
    #[serde(rename = "type")]
    pub issuer_type: String,
    /// The issuer's unique id (`AROA…` for a role).
    pub principal_id: String,
    /// The issuer's ARN.
    pub arn: String,
    /// The issuer's account.
    pub account_id: String,
    /// The issuer's friendly name (the role name for a role).
    pub user_name: String,
}

/// One entry of `resources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// The account that owns the resource.
    #[serde(rename = "accountId", default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The resource type, e.g. `AWS::IAM::User`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The resource's ARN.
    #[serde(rename = "ARN")]
    pub arn: String,
}

/// `tlsDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsDetails {
    /// e.g. `TLSv1.3`.
    pub tls_version: String,
    /// e.g. `TLS_AES_128_GCM_SHA256`.
    pub cipher_suite: String,
    /// The `Host` header the client sent.
    pub client_provided_host_header: String,
}

/// `eventType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    /// An API call (every record Warden writes for a request).
    AwsApiCall,
    /// An event the service generated itself.
    AwsServiceEvent,
    /// A console sign-in.
    AwsConsoleSignIn,
    /// A console action that is not an API call.
    AwsConsoleAction,
}

/// `eventCategory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventCategory {
    /// Control-plane operations (all of IAM and STS).
    Management,
    /// Data-plane operations.
    Data,
    /// CloudTrail Insights events.
    Insight,
    /// Network activity events.
    NetworkActivity,
}

impl AuditEvent {
    /// The record's canonical encoding: compact JSON with the fields in CloudTrail's order.
    /// These are the bytes to store and to hash ([`crate::chain`]); never re-serialise a
    /// stored record to verify it.
    ///
    /// # Errors
    ///
    /// [`serde_json::Error`] only if a `requestParameters`/`responseElements` value cannot
    /// be serialised (non-string map keys cannot occur in a [`Value`], so in practice never).
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// Parses a record from its JSON encoding.
    ///
    /// # Errors
    ///
    /// [`serde_json::Error`] if `bytes` is not a CloudTrail record.
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The CloudTrail `Username` lookup attribute: `userIdentity.userName`, else the session
    /// issuer's name for role sessions, `root` for the root user, else the name at the end of
    /// the principal's ARN.
    #[must_use]
    pub fn username(&self) -> Option<&str> {
        let identity = &self.user_identity;
        if let Some(name) = &identity.user_name {
            return Some(name);
        }
        if identity.identity_type == IdentityType::Root {
            // Event history names the root user `root`.
            return Some("root");
        }
        if identity.identity_type == IdentityType::AssumedRole {
            // CloudTrail reports the session name for assumed roles.
            return identity
                .principal_id
                .as_deref()
                .and_then(|id| id.split_once(':'))
                .map(|(_, session)| session);
        }
        identity
            .arn
            .as_deref()
            .and_then(|arn| arn.rsplit_once('/'))
            .map(|(_, name)| name)
    }
}

/// serde adapter for CloudTrail's string booleans (`"true"`/`"false"`).
mod string_bool {
    use serde::{Deserialize, Deserializer, Serializer};

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` calls serialize with a reference"
    )]
    pub(super) fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *value { "true" } else { "false" })
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<bool, D::Error> {
        match String::deserialize(deserializer)?.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "expected \"true\" or \"false\", found {other:?}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
