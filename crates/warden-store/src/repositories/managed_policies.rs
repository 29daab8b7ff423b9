//! [`ManagedPolicies`].

use crate::{Attachable, Attachment, ManagedPolicyRecord, PolicyVersionRecord, StoreError};

/// Customer managed policies with their versions and tags, and the attachments of managed
/// policies to users, groups and roles.
///
/// AWS managed policies (`arn:aws:iam::aws:policy/…`) are not stored here — Warden carries
/// them — but they are attached like any other: attachments name a policy by ARN and the
/// store does not check that a policy of that ARN exists (the caller does).
pub trait ManagedPolicies {
    /// Creates a customer managed policy whose version 1, with this document, is the
    /// default. `policy.default_version` must be 1.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::ManagedPolicy`](crate::EntityKind::ManagedPolicy), the name) if the
    /// account has a policy of this name in any case, whatever its path, or
    /// ([`EntityKind::ManagedPolicy`](crate::EntityKind::ManagedPolicy), the id or ARN) if
    /// any account has a policy with this `policy_id` or `arn`.
    fn create(&self, policy: &ManagedPolicyRecord, document: &str) -> Result<(), StoreError>;

    /// The customer managed policy with this ARN (exact match), with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, arn: &str) -> Result<Option<ManagedPolicyRecord>, StoreError>;

    /// All of the account's customer managed policies, with tags, ordered by case-folded
    /// name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: &str) -> Result<Vec<ManagedPolicyRecord>, StoreError>;

    /// Deletes a customer managed policy with its (only, default) version and its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy, the ARN); [`StoreError::Conflict`]
    /// ([`StoreError::policy_in_use`]) if it is attached to any entity or is any user's or
    /// role's permissions boundary; ([`StoreError::policy_has_versions`]) if versions other than
    /// the default remain.
    fn delete(&self, arn: &str) -> Result<(), StoreError>;

    /// Adds a version with the next number (one above the highest the policy ever had),
    /// made the default (and `update_date` set to `now`) when `set_as_default`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy); [`StoreError::LimitExceeded`]
    /// ([`StoreError::policy_version_quota_exceeded`]) if the policy already has
    /// [`VERSIONS_PER_POLICY`](crate::VERSIONS_PER_POLICY) versions.
    fn create_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
        now: i64,
    ) -> Result<PolicyVersionRecord, StoreError>;

    /// One version of a policy.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get_version(
        &self,
        arn: &str,
        version: u32,
    ) -> Result<Option<PolicyVersionRecord>, StoreError>;

    /// All versions of a policy, newest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy).
    fn list_versions(&self, arn: &str) -> Result<Vec<PolicyVersionRecord>, StoreError>;

    /// Deletes a version that is not the default.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy; policy version, named `v<N>`);
    /// [`StoreError::Conflict`] ([`StoreError::default_version_in_use`]) for the default.
    fn delete_version(&self, arn: &str, version: u32) -> Result<(), StoreError>;

    /// Makes a version the default and sets `update_date` to `now`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy; policy version, named `v<N>`).
    fn set_default_version(&self, arn: &str, version: u32, now: i64) -> Result<(), StoreError>;

    /// Adds tags to a policy, as [`Users::tag`](crate::Users::tag) does to a user.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy); [`StoreError::LimitExceeded`] over
    /// [`TAGS_PER_RESOURCE`](crate::TAGS_PER_RESOURCE) (nothing changes then).
    fn tag(&self, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError>;

    /// Removes the policy's tags with these keys (case-insensitively); others are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (managed policy).
    fn untag(&self, arn: &str, tag_keys: &[String]) -> Result<(), StoreError>;

    /// Attaches the policy to the user, group or role; nothing changes if it already is.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the user, group or role); [`StoreError::LimitExceeded`]
    /// ([`StoreError::attached_policy_quota_exceeded`]) if the entity would have more than
    /// [`ATTACHED_POLICIES_PER_ENTITY`](crate::ATTACHED_POLICIES_PER_ENTITY).
    fn attach(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
        policy_arn: &str,
    ) -> Result<(), StoreError>;

    /// Detaches the policy from the user, group or role.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the user, group or role; then the managed policy, by ARN, when
    /// it is not attached).
    fn detach(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
        policy_arn: &str,
    ) -> Result<(), StoreError>;

    /// The ARNs of the policies attached to the user, group or role, in the order attached.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the user, group or role).
    fn attached(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
    ) -> Result<Vec<String>, StoreError>;

    /// Every attachment of the policy to an entity of the account: users first, then
    /// groups, then roles, each by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn entities(&self, account_id: &str, policy_arn: &str) -> Result<Vec<Attachment>, StoreError>;

    /// How many users and roles of the account have the policy as their permissions
    /// boundary.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn boundary_usage(&self, account_id: &str, policy_arn: &str) -> Result<usize, StoreError>;
}
