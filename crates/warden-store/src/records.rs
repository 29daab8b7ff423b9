//! The records a [`Store`](crate::Store) reads and writes: plain data, no behaviour.
//!
//! Timestamps are milliseconds since the Unix epoch. Names keep the case they were created
//! with; see [`name_key`](crate::name_key) for how they are compared.

use std::fmt;

/// AWS's quota of access keys per user (and for an account's root user).
pub const ACCESS_KEYS_PER_USER: usize = 2;

/// AWS's quota of tags per taggable IAM resource.
pub const TAGS_PER_RESOURCE: usize = 50;

/// An account: the owner of every other record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// The 12-digit account id.
    pub account_id: String,
    /// When the account was created (epoch milliseconds).
    pub create_date: i64,
}

/// An account's outbound identity federation (IAM EnableOutboundWebIdentityFederation):
/// whether its principals may get JWTs from STS GetWebIdentityToken, and the issuer
/// identifier they carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundFederationRecord {
    /// The account's issuer id (part of its issuer URL), kept across disable and enable.
    pub issuer_id: String,
    /// Whether GetWebIdentityToken is enabled.
    pub enabled: bool,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The owning account.
    pub account_id: String,
    /// The user name, unique case-insensitively within the account.
    pub user_name: String,
    /// The unique id (`AIDA…`), unique across all accounts.
    pub user_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The user's ARN.
    pub arn: String,
    /// When the user was created (epoch milliseconds).
    pub create_date: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
    /// The ARN of the managed policy used as permissions boundary, if any.
    pub permissions_boundary: Option<String>,
}

/// The new name, path and ARN of a user (`UpdateUser`); each may equal the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpdate {
    /// The new user name.
    pub user_name: String,
    /// The new path.
    pub path: String,
    /// The new ARN (derived by the caller from the new path and name).
    pub arn: String,
}

/// An inline policy embedded in a user or a group (its holder; the repository it is read
/// from says which kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePolicyRecord {
    /// The owning account.
    pub account_id: String,
    /// The name of the user or group the policy is embedded in.
    pub holder_name: String,
    /// The policy name, unique case-insensitively per holder.
    pub policy_name: String,
    /// The policy document (JSON text, as supplied).
    pub document: String,
}

/// AWS's quota of groups a user can be a member of.
pub const GROUPS_PER_USER: usize = 10;

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// The owning account.
    pub account_id: String,
    /// The group name, unique case-insensitively within the account.
    pub group_name: String,
    /// The unique id (`AGPA…`), unique across all accounts.
    pub group_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The group's ARN.
    pub arn: String,
    /// When the group was created (epoch milliseconds).
    pub create_date: i64,
}

/// The new name, path and ARN of a group (`UpdateGroup`); each may equal the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupUpdate {
    /// The new group name.
    pub group_name: String,
    /// The new path.
    pub path: String,
    /// The new ARN (derived by the caller from the new path and name).
    pub arn: String,
}

/// AWS's quota of versions of one managed policy.
pub const VERSIONS_PER_POLICY: usize = 5;

/// AWS's quota of managed policies attached to one user, group or role.
pub const ATTACHED_POLICIES_PER_ENTITY: usize = 10;

/// A customer managed policy. (AWS managed policies are not stored: every Warden has them.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicyRecord {
    /// The owning account.
    pub account_id: String,
    /// The policy name, unique case-insensitively within the account (whatever the path).
    pub policy_name: String,
    /// The unique id (`ANPA…`), unique across all accounts.
    pub policy_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The policy's ARN, unique across all accounts.
    pub arn: String,
    /// The description given at creation, if any.
    pub description: Option<String>,
    /// The number of the default version (`v3` → 3).
    pub default_version: u32,
    /// When the policy was created (epoch milliseconds).
    pub create_date: i64,
    /// When the default version last changed (epoch milliseconds).
    pub update_date: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

/// One version of a customer managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersionRecord {
    /// The policy's ARN.
    pub policy_arn: String,
    /// The version number (`v3` → 3); numbers are never reused within a policy.
    pub version: u32,
    /// The policy document (JSON text, as supplied).
    pub document: String,
    /// When the version was created (epoch milliseconds).
    pub create_date: i64,
}

/// The kinds of entity a managed policy can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attachable {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

/// AWS's default (and minimum) maximum session duration of a role, in seconds.
pub const DEFAULT_MAX_SESSION_DURATION: i32 = 3600;

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    /// The owning account.
    pub account_id: String,
    /// The role name, unique case-insensitively within the account.
    pub role_name: String,
    /// The unique id (`AROA…`), unique across all accounts.
    pub role_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The role's ARN.
    pub arn: String,
    /// When the role was created (epoch milliseconds).
    pub create_date: i64,
    /// The trust policy (JSON text, as stored).
    pub assume_role_policy_document: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The longest session the role grants, in seconds (3,600–43,200).
    pub max_session_duration: i32,
    /// The ARN of the managed policy used as permissions boundary, if any.
    pub permissions_boundary: Option<String>,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
    /// When and in which Region the role was last used (epoch milliseconds), if ever.
    pub last_used: Option<(i64, String)>,
}

/// AWS's quota of roles in one instance profile.
pub const ROLES_PER_INSTANCE_PROFILE: usize = 1;

/// An instance profile: the container that passes a role to an EC2 instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceProfileRecord {
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account.
    pub instance_profile_name: String,
    /// The unique id (`AIPA…`), unique across all accounts.
    pub instance_profile_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The instance profile's ARN.
    pub arn: String,
    /// When it was created (epoch milliseconds).
    pub create_date: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
    /// The names (as stored) of the roles in it (at most
    /// [`ROLES_PER_INSTANCE_PROFILE`]); ignored by `create`.
    pub roles: Vec<String>,
}

/// A change of a role's description and/or maximum session duration (`UpdateRole`,
/// `UpdateRoleDescription`); `None` leaves the value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleUpdate {
    /// The new description (`Some("")` clears it).
    pub description: Option<String>,
    /// The new maximum session duration.
    pub max_session_duration: Option<i32>,
}

/// A managed policy attached to a user, group or role, with the entity's name as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The owning account (of the entity).
    pub account_id: String,
    /// The kind of entity.
    pub kind: Attachable,
    /// The entity's name.
    pub entity_name: String,
    /// The policy's ARN: a customer managed policy of the account, or an AWS managed one.
    pub policy_arn: String,
}

/// A user's membership of a group, with both names as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The owning account.
    pub account_id: String,
    /// The group.
    pub group_name: String,
    /// The member.
    pub user_name: String,
}

/// Whether an access key may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKeyStatus {
    /// The key authenticates requests.
    Active,
    /// The key is kept but refused.
    Inactive,
}

impl AccessKeyStatus {
    /// AWS's spelling: `Active` or `Inactive`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    /// Parses AWS's spelling (exactly `Active` or `Inactive`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Active" => Some(Self::Active),
            "Inactive" => Some(Self::Inactive),
            _ => None,
        }
    }
}

/// A long-term access key of a user or of an account's root user.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKeyRecord {
    /// The owning account.
    pub account_id: String,
    /// The owning user; `None` for the account's root user.
    pub user_name: Option<String>,
    /// The access key id (`AKIA…`), unique across all accounts.
    pub access_key_id: String,
    /// The secret access key, sealed by `warden-crypto` (never plaintext).
    pub secret_sealed: Vec<u8>,
    /// Whether the key may be used.
    pub status: AccessKeyStatus,
    /// When the key was created (epoch milliseconds).
    pub create_date: i64,
}

impl fmt::Debug for AccessKeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKeyRecord")
            .field("account_id", &self.account_id)
            .field("user_name", &self.user_name)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_sealed",
                &format_args!("<{} sealed bytes>", self.secret_sealed.len()),
            )
            .field("status", &self.status)
            .field("create_date", &self.create_date)
            .finish()
    }
}

/// A data-encryption key, wrapped (sealed) by the root key, stored under a name so that
/// every node of a deployment uses the same one.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKeyRecord {
    /// The key's name, for example `secrets-at-rest`.
    pub name: String,
    /// The wrapped key bytes (opaque to the store).
    pub wrapped: Vec<u8>,
    /// When the key was stored (epoch milliseconds).
    pub create_date: i64,
}

impl fmt::Debug for WrappedKeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedKeyRecord")
            .field("name", &self.name)
            .field(
                "wrapped",
                &format_args!("<{} wrapped bytes>", self.wrapped.len()),
            )
            .field("create_date", &self.create_date)
            .finish()
    }
}

/// Which page of a listing to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Continue after this marker (a [`Page::next_marker`] from the previous page); `None`
    /// starts at the beginning.
    pub marker: Option<String>,
    /// The most items to return; values below 1 are treated as 1.
    pub max_items: usize,
}

impl PageRequest {
    /// The first page of at most `max_items` items.
    #[must_use]
    pub fn first(max_items: usize) -> Self {
        Self {
            marker: None,
            max_items,
        }
    }
}

/// One page of a listing, ordered by case-folded name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `Some` when more items follow (AWS's `IsTruncated`); pass it back as
    /// [`PageRequest::marker`] to get them. Opaque to callers.
    pub next_marker: Option<String>,
}

/// Everything the in-memory authorization snapshot is built from, read in one consistent
/// transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSource {
    /// The [`Store::generation`](crate::Store::generation) this data corresponds to.
    pub generation: u64,
    /// All accounts, by id.
    pub accounts: Vec<AccountRecord>,
    /// All users, by account then case-folded name.
    pub users: Vec<UserRecord>,
    /// All inline user policies, by account, user, then case-folded policy name.
    pub user_policies: Vec<InlinePolicyRecord>,
    /// All groups, by account then case-folded name.
    pub groups: Vec<GroupRecord>,
    /// All inline group policies, by account, group, then case-folded policy name.
    pub group_policies: Vec<InlinePolicyRecord>,
    /// Every group membership, by account, group, then user (case-folded names).
    pub memberships: Vec<Membership>,
    /// All roles (with tags), by account then case-folded name.
    pub roles: Vec<RoleRecord>,
    /// All inline role policies, by account, role, then case-folded policy name.
    pub role_policies: Vec<InlinePolicyRecord>,
    /// All customer managed policies, by ARN.
    pub managed_policies: Vec<ManagedPolicyRecord>,
    /// The default version of every customer managed policy, by policy ARN.
    pub default_versions: Vec<PolicyVersionRecord>,
    /// Every managed-policy attachment, by account, kind (users, groups, then roles), entity
    /// (case-folded), then the order of attachment.
    pub attachments: Vec<Attachment>,
    /// All access keys (sealed secrets included), by id.
    pub access_keys: Vec<AccessKeyRecord>,
}

/// A CloudTrail trail: where and how an account's events are delivered as log files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailRecord {
    /// The owning account.
    pub account_id: String,
    /// The trail name, unique (case-sensitively, as CloudTrail) within the account.
    pub name: String,
    /// The region the trail was created in.
    pub home_region: String,
    /// `arn:aws:cloudtrail:<region>:<account>:trail/<name>`.
    pub arn: String,
    /// The bucket log files are delivered to (a directory under the data directory).
    pub s3_bucket_name: String,
    /// The key prefix inside the bucket, if any.
    pub s3_key_prefix: Option<String>,
    /// `SnsTopicName`, kept and reported (Warden publishes no notifications).
    pub sns_topic_name: Option<String>,
    /// `IncludeGlobalServiceEvents` (IAM and STS are global services).
    pub include_global_service_events: bool,
    /// `IsMultiRegionTrail`.
    pub is_multi_region_trail: bool,
    /// `LogFileValidationEnabled`: digest files are delivered too.
    pub log_file_validation_enabled: bool,
    /// `IsOrganizationTrail`.
    pub is_organization_trail: bool,
    /// `CloudWatchLogsLogGroupArn`, kept and reported.
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// `CloudWatchLogsRoleArn`, kept and reported.
    pub cloud_watch_logs_role_arn: Option<String>,
    /// `KmsKeyId`, kept and reported.
    pub kms_key_id: Option<String>,
    /// Whether the trail is logging (`StartLogging` / `StopLogging`).
    pub logging: bool,
    /// When logging last started (epoch milliseconds).
    pub start_logging_time: Option<i64>,
    /// When logging last stopped (epoch milliseconds).
    pub stop_logging_time: Option<i64>,
    /// When the trail was created (epoch milliseconds).
    pub create_date: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

/// What the log-file delivery worker records about one trail (`GetTrailStatus` reports it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailDelivery {
    /// When a log file was last delivered (epoch milliseconds).
    pub latest_delivery_time: Option<i64>,
    /// When a digest file was last delivered (epoch milliseconds).
    pub latest_digest_delivery_time: Option<i64>,
    /// The last delivery error, if the last attempt failed.
    pub latest_delivery_error: Option<String>,
    /// The worker's own resumable state (what was delivered, the previous digest), opaque
    /// to the store.
    pub state: Vec<u8>,
}
