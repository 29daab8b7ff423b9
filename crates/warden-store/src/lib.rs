//! The storage interface of Warden: the [`Store`] trait, the records it reads and writes,
//! and (feature `test-util`) a conformance suite every backend must pass.
//!
//! The interface is domain-level, not SQL: a [`Store`] runs read and write transactions
//! ([`StoreExt::read`], [`StoreExt::write`]); inside one, a [`Tx`] hands out one repository
//! per aggregate ([`Users`], [`Groups`], [`AccessKeys`], [`InlinePolicies`], [`Trails`], …). Each backend
//! (SQLite now, PostgreSQL later) implements the repositories in its own dialect, and both
//! run the same [`conformance`] checks.
//!
//! # Invariants every backend upholds
//!
//! - **Accounts own everything.** Every record carries its 12-digit account id; a user, a
//!   policy or a key can only be written into an existing account.
//! - **Names are unique case-insensitively** within an account (users, groups; inline
//!   policies of a user or group), and lookups by name are case-insensitive too, as in AWS. Records come back with
//!   the name spelled as it was created. Case folding is [`name_key`] (ASCII only, because
//!   IAM names are ASCII), computed in Rust so that every backend folds identically.
//!   Tag keys of a user are unique case-insensitively too ([`tag_key_fold`]); a tag written
//!   again under another spelling replaces the old one.
//! - **Writes are atomic and durable.** A write transaction either happens completely or not
//!   at all, and it has reached stable storage when [`StoreExt::write`] returns `Ok`.
//!   Concurrent writes may share one commit (group commit), never one outcome: each runs in
//!   its own savepoint. Rules that span rows (at most [`ACCESS_KEYS_PER_USER`] keys per
//!   user, at most [`GROUPS_PER_USER`] groups, no deleting a user that still owns keys or
//!   policies or a group that still has members) are checked inside the
//!   transaction, so a check and the write it guards are atomic.
//! - **Every kept write bumps [`Store::generation`]**, so a node can tell that its
//!   authorization snapshot is stale. Discarded writes change nothing, the generation included.
//! - **No plaintext secrets.** Secret access keys arrive already sealed (see
//!   `warden-crypto`); the store keeps and returns opaque bytes. [`StoreError`] messages never
//!   contain secret material.
//! - **Time is data.** Timestamps are `i64` milliseconds since the Unix epoch, supplied by
//!   the caller; the store never reads a clock.
//!
//! The audit trail has its own trait, [`AuditLog`] (append-mostly, group-committed,
//! hash-chained); see its module documentation for its invariants.
//!
//! The traits are synchronous: the server calls them from `tokio::task::spawn_blocking`.
#![warn(missing_docs)]

mod audit;
mod audit_stats;
#[cfg(feature = "test-util")]
pub mod conformance;
mod credentials;
mod error;
mod identity_providers;
mod kms;
mod names;
mod organizations;
mod records;
mod repositories;
mod server_certificates;
mod service_accesses;
mod service_credentials;
mod store;

pub use audit::{
    AppendReply, AuditLog, AuditPage, AuditQuery, AuditResource, AuditVerifyError,
    LOOKUP_MAX_RESULTS, LookupAttribute, LookupCursor, NewAuditRecord, PendingAppend,
    StoredAuditRecord, verify_audit_log,
};
pub use audit_stats::{AUDIT_BATCH_BUCKETS, AuditStats, BatchSizes};
pub use credentials::{
    AccessKeyUse, LoginProfileRecord, MFA_DEVICES_PER_USER, MfaAssignment, MfaDeviceRecord,
    PasswordPolicyRecord, SIGNING_CERTIFICATES_PER_USER, SSH_PUBLIC_KEYS_PER_USER,
    SigningCertificateRecord, SshPublicKeyRecord,
};
pub use error::{EntityKind, StoreError};
pub use identity_providers::{
    CLIENT_IDS_PER_OPEN_ID_CONNECT_PROVIDER, OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT,
    OpenIdConnectProviderRecord, OpenIdConnectProviderUpdate, PRIVATE_KEYS_PER_SAML_PROVIDER,
    SAML_PROVIDERS_PER_ACCOUNT, SamlEncryption, SamlMetadata, SamlPrivateKey, SamlProviderRecord,
    THUMBPRINTS_PER_OPEN_ID_CONNECT_PROVIDER,
};
pub use kms::{KmsAliasRecord, KmsGrantRecord, KmsKeyMaterialRecord, KmsKeyRecord};
pub use names::{name_key, tag_key_fold};
pub use organizations::{
    CreateAccountStatusRecord, OrgNodeKind, OrgNodeRecord, OrgPolicyRecord, OrganizationRecord,
    OrganizationState,
};
pub use records::{
    ACCESS_KEYS_PER_USER, ATTACHED_POLICIES_PER_ENTITY, AccessKeyRecord, AccessKeyStatus,
    AccountRecord, Attachable, Attachment, DEFAULT_MAX_SESSION_DURATION, GROUPS_PER_USER,
    GroupRecord, GroupUpdate, InlinePolicyRecord, InstanceProfileRecord, ManagedPolicyRecord,
    Membership, OutboundFederationRecord, Page, PageRequest, PolicyVersionRecord,
    ROLES_PER_INSTANCE_PROFILE, RoleRecord, RoleUpdate, SnapshotSource, TAGS_PER_RESOURCE,
    TrailDelivery, TrailRecord, UserRecord, UserUpdate, VERSIONS_PER_POLICY, WrappedKeyRecord,
};
pub use repositories::{
    AccessKeys, Accounts, Groups, InlinePolicies, InstanceProfiles, Kms, LoginProfiles,
    ManagedPolicies, MfaDevices, OpenIdConnectProviders, Organizations, PasswordPolicies, Roles,
    SamlProviders, ServerCertificates, ServiceAccesses, ServiceCredentials, SigningCertificates,
    SshPublicKeys, Trails, Users, WrappedKeys,
};
pub use server_certificates::{
    SERVER_CERTIFICATES_PER_ACCOUNT, ServerCertificateRecord, ServerCertificateUpdate,
};
pub use service_accesses::ServiceAccess;
pub use service_credentials::{SERVICE_CREDENTIALS_PER_SERVICE, ServiceCredentialRecord};
pub use store::{CommitStats, OnCommit, Store, StoreExt, Tx, WriteWork};
