//! [`Roles`].

use crate::{Page, PageRequest, RoleRecord, RoleUpdate, StoreError};

/// IAM roles of an account, with their tags. Their inline policies are
/// [`Tx::role_policies`](crate::Tx::role_policies); their managed policies are attached
/// through [`ManagedPolicies`](crate::ManagedPolicies) with
/// [`Attachable::Role`](crate::Attachable::Role).
pub trait Roles {
    /// Creates a role.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::Role`](crate::EntityKind::Role)) if the account has a role of this
    /// name in any case, or any account has a role with this `role_id`.
    fn create(&self, role: &RoleRecord) -> Result<(), StoreError>;

    /// The role of this name (in any case) in the account, with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str, role_name: &str) -> Result<Option<RoleRecord>, StoreError>;

    /// A page of the account's roles whose path starts with `path_prefix` (byte-wise, case
    /// sensitive; `None` means all), ordered by case-folded name, with their tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<RoleRecord>, StoreError>;

    /// Changes the role's description and/or maximum session duration (`None` leaves a
    /// value as it is; a description of `""` clears it). Returns the updated record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn update(
        &self,
        account_id: &str,
        role_name: &str,
        update: &RoleUpdate,
    ) -> Result<RoleRecord, StoreError>;

    /// Replaces the role's trust policy.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn set_trust_policy(
        &self,
        account_id: &str,
        role_name: &str,
        document: &str,
    ) -> Result<(), StoreError>;

    /// Sets (`Some`: a managed policy's ARN) or removes (`None`) the role's permissions
    /// boundary. The store does not check that the policy exists (the caller does).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn set_permissions_boundary(
        &self,
        account_id: &str,
        role_name: &str,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Records that the role was used at `when` (epoch milliseconds) in `region`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn record_use(
        &self,
        account_id: &str,
        role_name: &str,
        when: i64,
        region: &str,
    ) -> Result<(), StoreError>;

    /// Adds tags to a role, as [`Users::tag`](crate::Users::tag) does to a user (the quota
    /// error names `TagsPerRole`).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role); [`StoreError::LimitExceeded`] over
    /// [`TAGS_PER_RESOURCE`](crate::TAGS_PER_RESOURCE) (nothing changes then).
    fn tag(
        &self,
        account_id: &str,
        role_name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Removes the role's tags with these keys (case-insensitively); others are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn untag(
        &self,
        account_id: &str,
        role_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError>;

    /// Deletes a role with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role); [`StoreError::Conflict`]
    /// ([`StoreError::has_inline_policies`]) if it has inline policies,
    /// ([`StoreError::has_attached_policies`]) if managed policies are attached to it,
    /// ([`StoreError::instance_profile_in_use`]) if it is in an instance profile.
    fn delete(&self, account_id: &str, role_name: &str) -> Result<(), StoreError>;
}
