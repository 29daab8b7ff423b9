//! [`InstanceProfiles`].

use crate::{InstanceProfileRecord, Page, PageRequest, StoreError};

/// Instance profiles of an account, the roles in them and their tags. Records come back
/// with `roles` (role names as stored) and `tags` filled in.
pub trait InstanceProfiles {
    /// Creates an instance profile (without roles; `profile.roles` is ignored).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::InstanceProfile`](crate::EntityKind::InstanceProfile)) if the account
    /// has one of this name in any case, or any account has one with this id.
    fn create(&self, profile: &InstanceProfileRecord) -> Result<(), StoreError>;

    /// The instance profile of this name (in any case) in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<InstanceProfileRecord>, StoreError>;

    /// A page of the account's instance profiles whose path starts with `path_prefix`
    /// (byte-wise; `None` means all), ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<InstanceProfileRecord>, StoreError>;

    /// The instance profiles the role is in, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (role).
    fn for_role(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<Vec<InstanceProfileRecord>, StoreError>;

    /// Puts the role in the instance profile.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (instance profile, then role); [`StoreError::LimitExceeded`]
    /// ([`StoreError::instance_profile_role_quota_exceeded`]) if the profile already has
    /// [`ROLES_PER_INSTANCE_PROFILE`](crate::ROLES_PER_INSTANCE_PROFILE) roles — this role
    /// included.
    fn add_role(&self, account_id: &str, name: &str, role_name: &str) -> Result<(), StoreError>;

    /// Takes the role out of the instance profile.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (instance profile, then role — also when the role is not in
    /// the profile).
    fn remove_role(&self, account_id: &str, name: &str, role_name: &str) -> Result<(), StoreError>;

    /// Adds tags, as [`Users::tag`](crate::Users::tag) does; over the quota the error is
    /// [`StoreError::tag_quota_exceeded`] for
    /// [`EntityKind::InstanceProfile`](crate::EntityKind::InstanceProfile).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (instance profile); [`StoreError::LimitExceeded`].
    fn tag(
        &self,
        account_id: &str,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Removes the tags with these keys (case-insensitively); others are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (instance profile).
    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError>;

    /// Deletes an instance profile with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (instance profile); [`StoreError::Conflict`]
    /// ([`StoreError::instance_profile_in_use`]) if it has a role.
    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
}
