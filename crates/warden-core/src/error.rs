//! The services' error type and its one mapping to AWS error shapes.

use warden_protocol::{AwsError, ModeledError, cloudtrail, iam};
use warden_store::{EntityKind, StoreError};

/// Why a service operation failed. Messages are AWS's wording; internal failures carry a
/// description for the log only.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The caller is not authorized (AWS `AccessDenied`, 403).
    #[error("{0}")]
    AccessDenied(String),
    /// An IAM entity does not exist (`NoSuchEntity`, 404).
    #[error("{0}")]
    NoSuchEntity(String),
    /// The entity exists already (`EntityAlreadyExists`, 409).
    #[error("{0}")]
    EntityAlreadyExists(String),
    /// Dependent entities block a delete (`DeleteConflict`, 409).
    #[error("{0}")]
    DeleteConflict(String),
    /// A quota would be exceeded (`LimitExceeded`, 409).
    #[error("{0}")]
    LimitExceeded(String),
    /// A policy document failed validation (`MalformedPolicyDocument`, 400).
    #[error("{0}")]
    MalformedPolicyDocument(String),
    /// An input is invalid in a way the model does not express (`InvalidInput`, 400).
    #[error("{0}")]
    InvalidInput(String),
    /// A parameter value is not acceptable (`InvalidParameterValue`, 400).
    #[error("{0}")]
    InvalidParameterValue(String),
    /// A request the service refuses as invalid (`ValidationError`, 400), e.g. STS's
    /// duration limits.
    #[error("{0}")]
    Validation(String),
    /// The credentials cannot be used for this call (`InvalidClientTokenId`, 403): a
    /// GetSessionToken session without MFA calling IAM.
    #[error("the security token is invalid for this call")]
    InvalidClientToken,
    /// A request the policies refuse, with what an encoded authorization message would tell
    /// about it. Only the authorization makes one, and the runner turns it into
    /// `AccessDenied` (with the encoded message appended when the server encodes them);
    /// elsewhere it answers like `AccessDenied`.
    #[error("{}", .0.message)]
    Refused(Box<crate::authorization_message::Refusal>),
    /// The operation exists in the AWS model but Warden does not serve it yet; answered as
    /// AWS answers an unknown action (`InvalidAction`).
    #[error("operation {operation} is not served")]
    OperationNotServed {
        /// The operation's AWS name.
        operation: &'static str,
        /// The service's API version, for AWS's message.
        api_version: &'static str,
    },
    /// One of a service's modeled errors, from its generated `errors` table
    /// (`cloudtrail::errors::TRAIL_NOT_FOUND`, …).
    #[error("{}: {message}", error.code)]
    Modeled {
        /// The generated error: code, status and fault side.
        error: &'static ModeledError,
        /// AWS's message.
        message: String,
    },
    /// A modeled error with its `Reason` member (Organizations' `ConstraintViolationException`,
    /// `InvalidInputException`).
    #[error("{}: {reason}: {message}", error.code)]
    ModeledWithReason {
        /// The generated error.
        error: &'static ModeledError,
        /// The modeled reason, e.g. `OU_DEPTH_LIMIT_EXCEEDED`.
        reason: &'static str,
        /// AWS's message.
        message: String,
    },
    /// A JSON 1.1 service's operation Warden does not serve, answered as AWS answers an
    /// unknown target (`UnknownOperationException`).
    #[error("unknown operation")]
    UnknownOperation,
    /// The call's audit record could not be made durable, so the call fails (fail closed);
    /// answered as `ServiceUnavailable` (503), which SDKs retry.
    #[error("the audit trail cannot record calls")]
    AuditUnavailable,
    /// Something failed inside Warden. Logged; the caller only sees `InternalFailure`.
    #[error("internal failure: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A service's modeled error with AWS's message.
    pub fn modeled(error: &'static ModeledError, message: impl Into<String>) -> Self {
        Self::Modeled {
            error,
            message: message.into(),
        }
    }
}

/// A store failure as the service owning the entity reports it: IAM's `NoSuchEntity` for a
/// user, CloudTrail's `TrailNotFoundException` for a trail.
impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound {
                kind: EntityKind::Trail,
                name,
            } => Self::modeled(
                &cloudtrail::errors::TRAIL_NOT_FOUND,
                not_found_message(EntityKind::Trail, &name),
            ),
            StoreError::NotFound {
                kind: EntityKind::AuditPageToken,
                ..
            } => Self::modeled(
                &cloudtrail::errors::INVALID_NEXT_TOKEN,
                "Invalid NextToken.",
            ),
            StoreError::NotFound { kind, name } => {
                Self::NoSuchEntity(not_found_message(kind, &name))
            }
            StoreError::AlreadyExists {
                kind: EntityKind::Trail,
                name,
            } => Self::modeled(
                &cloudtrail::errors::TRAIL_ALREADY_EXISTS,
                already_exists_message(EntityKind::Trail, &name),
            ),
            StoreError::AlreadyExists {
                kind: EntityKind::SshPublicKey,
                ..
            } => Self::modeled(
                &iam::errors::DUPLICATE_SSH_PUBLIC_KEY,
                "The SSH public key is already associated with the specified IAM user.",
            ),
            StoreError::AlreadyExists {
                kind: EntityKind::SigningCertificate,
                ..
            } => Self::modeled(
                &iam::errors::DUPLICATE_CERTIFICATE,
                "The same certificate is associated with an IAM user in the account.",
            ),
            StoreError::AlreadyExists { kind, name } => {
                Self::EntityAlreadyExists(already_exists_message(kind, &name))
            }
            StoreError::Conflict(message) => Self::DeleteConflict(message),
            StoreError::LimitExceeded(message) => Self::LimitExceeded(message),
            StoreError::Backend(message) => Self::Internal(message),
        }
    }
}

/// AWS's NoSuchEntity wording per entity kind.
pub(crate) fn not_found_message(kind: EntityKind, name: &str) -> String {
    match kind {
        EntityKind::User => format!("The user with name {name} cannot be found."),
        EntityKind::UserPolicy => format!("The user policy with name {name} cannot be found."),
        EntityKind::Group => format!("The group with name {name} cannot be found."),
        EntityKind::Role => format!("The role with name {name} cannot be found."),
        EntityKind::InstanceProfile => format!("Instance Profile {name} cannot be found."),
        EntityKind::RolePolicy => format!("The role policy with name {name} cannot be found."),
        EntityKind::GroupPolicy => format!("The group policy with name {name} cannot be found."),
        EntityKind::ManagedPolicy => format!("Policy {name} was not found."),
        EntityKind::PolicyVersion => format!("Policy version {name} does not exist."),
        EntityKind::AccessKey => format!("The Access Key with id {name} cannot be found."),
        EntityKind::Account => format!("The account {name} cannot be found."),
        EntityKind::AuditPageToken => format!("Invalid NextToken {name}."),
        EntityKind::WrappedKey => format!("The key {name} cannot be found."),
        EntityKind::Trail => format!("Unknown trail: {name}."),
        EntityKind::LoginProfile => format!("Login Profile for User {name} cannot be found."),
        EntityKind::MfaDevice => {
            format!("VirtualMFADevice with serial number {name} doesn't exist.")
        }
        EntityKind::PasswordPolicy => {
            format!("The Password Policy with domain name {name} cannot be found.")
        }
        EntityKind::AccountAlias => format!("The account alias {name} cannot be found."),
        EntityKind::ServiceCredential => format!("No such service specific credential: {name}"),
        EntityKind::SshPublicKey => format!("The Public Key with id {name} cannot be found."),
        EntityKind::SigningCertificate => {
            format!("The Certificate with id {name} cannot be found.")
        }
        EntityKind::ServerCertificate => {
            format!("The Server Certificate with name {name} cannot be found.")
        }
        EntityKind::OpenIdConnectProvider => {
            format!("OpenIDConnect Provider not found for url {name}")
        }
        EntityKind::SamlProvider => format!("SAML provider {name} cannot be found."),
        EntityKind::Organization => "Your account is not a member of an organization.".to_owned(),
        EntityKind::OrgNode => format!("The entity {name} cannot be found."),
        EntityKind::OrgEmail => format!("The email address {name} cannot be found."),
        EntityKind::OrgPolicy => {
            "We can't find a policy with the PolicyId that you specified.".to_owned()
        }
        EntityKind::OrgAttachment => {
            "The policy isn't attached to the specified target in the specified root.".to_owned()
        }
    }
}

fn already_exists_message(kind: EntityKind, name: &str) -> String {
    match kind {
        EntityKind::User => format!("User with name {name} already exists."),
        EntityKind::UserPolicy | EntityKind::GroupPolicy | EntityKind::RolePolicy => {
            format!("Policy with name {name} already exists.")
        }
        EntityKind::Group => format!("Group with name {name} already exists."),
        EntityKind::Role => format!("Role with name {name} already exists."),
        EntityKind::InstanceProfile => {
            format!("Instance Profile {name} already exists.")
        }
        EntityKind::ManagedPolicy => {
            format!("A policy called {name} already exists. Duplicate names are not allowed.")
        }
        EntityKind::PolicyVersion => format!("Policy version {name} already exists."),
        EntityKind::AccessKey => format!("Access key {name} already exists."),
        EntityKind::Account => format!("Account {name} already exists."),
        EntityKind::AuditPageToken => format!("Token {name} already exists."),
        EntityKind::WrappedKey => format!("Key {name} already exists."),
        EntityKind::Trail => format!("Trail {name} already exists."),
        EntityKind::LoginProfile => format!("Login Profile for user {name} already exists."),
        EntityKind::MfaDevice => {
            "MFADevice entity at the same path and name already exists.".to_owned()
        }
        EntityKind::PasswordPolicy => format!("The Password Policy for {name} already exists."),
        EntityKind::AccountAlias => format!("The account alias {name} already exists."),
        EntityKind::ServiceCredential => {
            format!("Service specific credential {name} already exists.")
        }
        EntityKind::SshPublicKey => format!("The Public Key with id {name} already exists."),
        EntityKind::SigningCertificate => {
            format!("The Certificate with id {name} already exists.")
        }
        EntityKind::ServerCertificate => {
            format!("The Server Certificate with name {name} already exists.")
        }
        // The store names a provider by its ARN; AWS's message names its URL.
        EntityKind::OpenIdConnectProvider => format!(
            "Provider with url https://{} already exists.",
            name.split_once(":oidc-provider/")
                .map_or(name, |(_, url)| url)
        ),
        EntityKind::SamlProvider => format!("SAMLProvider {name} already exists."),
        EntityKind::Organization => {
            "The AWS account is already a member of an organization.".to_owned()
        }
        EntityKind::OrgNode => format!("The entity {name} already exists."),
        EntityKind::OrgEmail => format!("The email address {name} is already in use."),
        EntityKind::OrgPolicy => "A policy with the same name already exists.".to_owned(),
        EntityKind::OrgAttachment => {
            "The selected policy is already attached to the specified target.".to_owned()
        }
    }
}

impl From<ServiceError> for AwsError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::AccessDenied(message) => Self::access_denied(message),
            ServiceError::Refused(refusal) => Self::access_denied(refusal.message),
            ServiceError::NoSuchEntity(message) => {
                iam::errors::NO_SUCH_ENTITY.with_message(message)
            }
            ServiceError::EntityAlreadyExists(message) => {
                iam::errors::ENTITY_ALREADY_EXISTS.with_message(message)
            }
            ServiceError::DeleteConflict(message) => {
                iam::errors::DELETE_CONFLICT.with_message(message)
            }
            ServiceError::LimitExceeded(message) => {
                iam::errors::LIMIT_EXCEEDED.with_message(message)
            }
            ServiceError::MalformedPolicyDocument(message) => {
                iam::errors::MALFORMED_POLICY_DOCUMENT.with_message(message)
            }
            ServiceError::InvalidInput(message) => iam::errors::INVALID_INPUT.with_message(message),
            ServiceError::InvalidParameterValue(message) => Self::invalid_parameter_value(message),
            ServiceError::Validation(message) => Self::new("ValidationError", 400, message),
            ServiceError::InvalidClientToken => Self::new(
                "InvalidClientTokenId",
                403,
                "The security token included in the request is invalid.",
            ),
            ServiceError::OperationNotServed {
                operation,
                api_version,
            } => Self::invalid_action(operation, api_version),
            ServiceError::Modeled { error, message } => error.with_message(message),
            ServiceError::ModeledWithReason {
                error,
                reason,
                message,
            } => error.with_message(message).with_reason(reason),
            ServiceError::UnknownOperation => Self::unknown_operation(),
            ServiceError::AuditUnavailable => Self::new(
                "ServiceUnavailable",
                503,
                "The request was refused because the audit trail cannot record it.",
            ),
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal failure");
                Self::internal()
            }
        }
    }
}
