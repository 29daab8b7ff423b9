//! The error every [`Store`](crate::Store) method returns.

use std::fmt;

/// What a store operation failed on. Messages never contain secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The named entity (or the entity that owns it) does not exist.
    #[error("{kind} {name:?} not found")]
    NotFound {
        /// The kind of entity that is missing.
        kind: EntityKind,
        /// Its name or id, as the caller gave it.
        name: String,
    },
    /// An entity with this name (compared case-insensitively) or id already exists.
    #[error("{kind} {name:?} already exists")]
    AlreadyExists {
        /// The kind of entity.
        kind: EntityKind,
        /// Its name or id, as the caller gave it.
        name: String,
    },
    /// The operation conflicts with dependent entities, for example deleting a user that
    /// still has access keys. The message is AWS's `DeleteConflict` wording.
    #[error("{0}")]
    Conflict(String),
    /// A quota would be exceeded, for example a third access key for one user. The message
    /// is AWS's `LimitExceeded` wording.
    #[error("{0}")]
    LimitExceeded(String),
    /// The backend failed (I/O, corruption, a schema newer than this build, …).
    #[error("store backend failure: {0}")]
    Backend(String),
}

/// The kinds of entities a [`StoreError`] can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// An access key (by id).
    AccessKey,
    /// An account (by 12-digit id).
    Account,
    /// A page token of an audit-log lookup (malformed or from another query).
    AuditPageToken,
    /// A CloudTrail trail (by name).
    Trail,
    /// An IAM group (by name).
    Group,
    /// An inline policy embedded in a group (by policy name).
    GroupPolicy,
    /// An IAM role (by name).
    Role,
    /// An inline policy embedded in a role (by policy name).
    RolePolicy,
    /// An instance profile (by name).
    InstanceProfile,
    /// A managed policy (by ARN; by name when a name is taken).
    ManagedPolicy,
    /// A version of a managed policy (by version id, `v3`).
    PolicyVersion,
    /// A user (by name).
    User,
    /// An inline policy embedded in a user (by policy name).
    UserPolicy,
    /// A wrapped data-encryption key (by name).
    WrappedKey,
    /// A user's login profile (by user name).
    LoginProfile,
    /// A virtual MFA device (by serial number; by name when a name is taken).
    MfaDevice,
    /// An account's password policy (by account id).
    PasswordPolicy,
    /// An account alias (by alias).
    AccountAlias,
    /// A service-specific credential (by id).
    ServiceCredential,
    /// A user's SSH public key (by id; by fingerprint when it is a duplicate).
    SshPublicKey,
    /// A signing certificate (by id; by id too when its certificate is a duplicate).
    SigningCertificate,
    /// A server certificate (by name; by id when an id is taken).
    ServerCertificate,
    /// An OpenID Connect provider (by ARN).
    OpenIdConnectProvider,
    /// A SAML provider (by name).
    SamlProvider,
    /// An organization (by id; by account when the account already belongs to one).
    Organization,
    /// A node of an organization: its root, an OU or a member account (by id).
    OrgNode,
    /// A member account's email address (by address).
    OrgEmail,
    /// An Organizations policy (by id; by name when a name is taken).
    OrgPolicy,
    /// A policy's attachment to a node (by `policy id/target id`).
    OrgAttachment,
}

impl EntityKind {
    /// A lower-case noun for messages ("user", "access key", …).
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Self::AccessKey => "access key",
            Self::Trail => "trail",
            Self::Account => "account",
            Self::AuditPageToken => "audit page token",
            Self::User => "user",
            Self::UserPolicy => "user policy",
            Self::Group => "group",
            Self::GroupPolicy => "group policy",
            Self::Role => "role",
            Self::RolePolicy => "role policy",
            Self::InstanceProfile => "instance profile",
            Self::ManagedPolicy => "managed policy",
            Self::PolicyVersion => "policy version",
            Self::WrappedKey => "wrapped key",
            Self::LoginProfile => "login profile",
            Self::MfaDevice => "MFA device",
            Self::PasswordPolicy => "password policy",
            Self::AccountAlias => "account alias",
            Self::ServiceCredential => "service-specific credential",
            Self::SshPublicKey => "SSH public key",
            Self::SigningCertificate => "signing certificate",
            Self::ServerCertificate => "server certificate",
            Self::OpenIdConnectProvider => "OpenID Connect provider",
            Self::SamlProvider => "SAML provider",
            Self::Organization => "organization",
            Self::OrgNode => "organization node",
            Self::OrgEmail => "account email",
            Self::OrgPolicy => "organization policy",
            Self::OrgAttachment => "policy attachment",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

impl StoreError {
    /// [`StoreError::NotFound`] for `kind` named `name`.
    #[must_use]
    pub fn not_found(kind: EntityKind, name: &str) -> Self {
        Self::NotFound {
            kind,
            name: name.to_owned(),
        }
    }

    /// [`StoreError::AlreadyExists`] for `kind` named `name`.
    #[must_use]
    pub fn already_exists(kind: EntityKind, name: &str) -> Self {
        Self::AlreadyExists {
            kind,
            name: name.to_owned(),
        }
    }

    /// The [`StoreError::LimitExceeded`] for a third access key (AWS's wording).
    #[must_use]
    pub fn access_key_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for AccessKeysPerUser: {}",
            crate::ACCESS_KEYS_PER_USER
        ))
    }

    /// The [`StoreError::LimitExceeded`] for more than
    /// [`TAGS_PER_RESOURCE`](crate::TAGS_PER_RESOURCE) tags on one entity.
    #[must_use]
    pub fn tag_quota_exceeded(kind: EntityKind) -> Self {
        let entity = match kind {
            EntityKind::User => "User",
            EntityKind::Role => "Role",
            EntityKind::ManagedPolicy => "Policy",
            EntityKind::InstanceProfile => "InstanceProfile",
            EntityKind::AccessKey
            | EntityKind::Group
            | EntityKind::GroupPolicy
            | EntityKind::RolePolicy
            | EntityKind::PolicyVersion
            | EntityKind::Account
            | EntityKind::AuditPageToken
            | EntityKind::Trail
            | EntityKind::UserPolicy
            | EntityKind::WrappedKey
            | EntityKind::LoginProfile
            | EntityKind::PasswordPolicy
            | EntityKind::AccountAlias
            | EntityKind::ServiceCredential
            | EntityKind::SshPublicKey
            | EntityKind::SigningCertificate
            | EntityKind::Organization
            | EntityKind::OrgNode
            | EntityKind::OrgEmail
            | EntityKind::OrgPolicy
            | EntityKind::OrgAttachment => "Resource",
            EntityKind::MfaDevice => "MFADevice",
            EntityKind::ServerCertificate => "ServerCertificate",
            EntityKind::OpenIdConnectProvider => "OpenIdConnectProvider",
            EntityKind::SamlProvider => "SAMLProvider",
        };
        Self::LimitExceeded(format!(
            "Cannot exceed quota for TagsPer{entity}: {}",
            crate::TAGS_PER_RESOURCE
        ))
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has service-specific
    /// credentials.
    #[must_use]
    pub fn service_credential_conflict() -> Self {
        Self::Conflict(
            "Cannot delete entity, must delete service specific credentials first.".to_owned(),
        )
    }

    /// The [`StoreError::LimitExceeded`] for a third service-specific credential of one user
    /// for one service.
    #[must_use]
    pub fn service_credential_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {}",
            crate::SERVICE_CREDENTIALS_PER_SERVICE
        ))
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has a login profile
    /// (AWS's wording).
    #[must_use]
    pub fn login_profile_conflict() -> Self {
        Self::Conflict("Cannot delete entity, must delete login profile first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has an MFA device
    /// assigned (AWS's wording).
    #[must_use]
    pub fn mfa_device_conflict() -> Self {
        Self::Conflict("Cannot delete entity, must delete MFA device first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has SSH public keys.
    #[must_use]
    pub fn ssh_public_key_conflict() -> Self {
        Self::Conflict("Cannot delete entity, must delete SSH public keys first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has signing certificates.
    #[must_use]
    pub fn signing_certificate_conflict() -> Self {
        Self::Conflict("Cannot delete entity, must delete signing certificates first.".to_owned())
    }

    /// The [`StoreError::LimitExceeded`] for a sixth SSH public key of one user.
    #[must_use]
    pub fn ssh_public_key_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for SSHPublicKeysPerUser: {}",
            crate::SSH_PUBLIC_KEYS_PER_USER
        ))
    }

    /// The [`StoreError::LimitExceeded`] for a third signing certificate of one user.
    #[must_use]
    pub fn signing_certificate_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for SigningCertificatesPerUser: {}",
            crate::SIGNING_CERTIFICATES_PER_USER
        ))
    }

    /// The [`StoreError::LimitExceeded`] for one server certificate more than the account's
    /// quota.
    #[must_use]
    pub fn server_certificate_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for ServerCertificatesPerAccount: {}",
            crate::SERVER_CERTIFICATES_PER_ACCOUNT
        ))
    }

    /// The [`StoreError::LimitExceeded`] for one OpenID Connect provider more than the
    /// account's quota.
    #[must_use]
    pub fn open_id_connect_provider_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for OpenIdConnectProvidersPerAccount: {}",
            crate::OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT
        ))
    }

    /// The [`StoreError::LimitExceeded`] for one SAML provider more than the account's
    /// quota.
    #[must_use]
    pub fn saml_provider_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for SAMLProvidersPerAccount: {}",
            crate::SAML_PROVIDERS_PER_ACCOUNT
        ))
    }

    /// The [`StoreError::Conflict`] for deleting a virtual MFA device that is assigned.
    #[must_use]
    pub fn assigned_mfa_device_conflict() -> Self {
        Self::Conflict(
            "Cannot delete an MFA device that is assigned; deactivate it first.".to_owned(),
        )
    }

    /// The [`StoreError::LimitExceeded`] for a ninth MFA device of one user.
    #[must_use]
    pub fn mfa_device_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for MFADevicesPerUser: {}",
            crate::MFA_DEVICES_PER_USER
        ))
    }

    /// The [`StoreError::Conflict`] for deleting a user that still has access keys (AWS's
    /// wording).
    #[must_use]
    pub fn user_has_access_keys() -> Self {
        Self::Conflict("Cannot delete entity, must delete access keys first.".to_owned())
    }

    /// The [`StoreError::LimitExceeded`] for an eleventh group of one user (AWS's wording).
    #[must_use]
    pub fn group_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for GroupsPerUser: {}",
            crate::GROUPS_PER_USER
        ))
    }

    /// The [`StoreError::LimitExceeded`] for a sixth version of a managed policy (AWS's
    /// wording).
    #[must_use]
    pub fn policy_version_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
            crate::VERSIONS_PER_POLICY
        ))
    }

    /// The [`StoreError::LimitExceeded`] for an eleventh managed policy attached to one
    /// entity (AWS's wording).
    #[must_use]
    pub fn attached_policy_quota_exceeded(kind: crate::Attachable) -> Self {
        let entity = match kind {
            crate::Attachable::User => "User",
            crate::Attachable::Group => "Group",
            crate::Attachable::Role => "Role",
        };
        Self::LimitExceeded(format!(
            "Cannot exceed quota for PoliciesPer{entity}: {}",
            crate::ATTACHED_POLICIES_PER_ENTITY
        ))
    }

    /// The [`StoreError::LimitExceeded`] for a second role in an instance profile (AWS's
    /// wording).
    #[must_use]
    pub fn instance_profile_role_quota_exceeded() -> Self {
        Self::LimitExceeded(format!(
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: {}",
            crate::ROLES_PER_INSTANCE_PROFILE
        ))
    }

    /// The [`StoreError::Conflict`] for deleting an instance profile that still has a role,
    /// or a role that is still in an instance profile (AWS's wording).
    #[must_use]
    pub fn instance_profile_in_use() -> Self {
        Self::Conflict(
            "Cannot delete entity, must remove roles from instance profile first.".to_owned(),
        )
    }

    /// The [`StoreError::Conflict`] for deleting a user or group that still has managed
    /// policies attached (AWS's wording).
    #[must_use]
    pub fn has_attached_policies() -> Self {
        Self::Conflict("Cannot delete entity, must detach all policies first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a managed policy that is attached to an
    /// entity or is an entity's permissions boundary (AWS's wording).
    #[must_use]
    pub fn policy_in_use() -> Self {
        Self::Conflict("Cannot delete a policy attached to entities.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a managed policy that still has versions
    /// other than the default (AWS's wording).
    #[must_use]
    pub fn policy_has_versions() -> Self {
        Self::Conflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
                .to_owned(),
        )
    }

    /// The [`StoreError::Conflict`] for deleting the default version of a managed policy
    /// (AWS's wording).
    #[must_use]
    pub fn default_version_in_use() -> Self {
        Self::Conflict("Cannot delete the default version of a policy.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a user that is still a member of groups
    /// (AWS's wording).
    #[must_use]
    pub fn user_in_groups() -> Self {
        Self::Conflict("Cannot delete entity, must remove user from all groups first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a group that still has members (AWS's
    /// wording).
    #[must_use]
    pub fn group_has_members() -> Self {
        Self::Conflict("Cannot delete entity, must remove users from group first.".to_owned())
    }

    /// The [`StoreError::Conflict`] for deleting a user or group that still has inline
    /// policies (AWS's wording).
    #[must_use]
    pub fn has_inline_policies() -> Self {
        Self::Conflict("Cannot delete entity, must delete policies first.".to_owned())
    }
}
