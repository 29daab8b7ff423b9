//! [`Users`].

use crate::{Page, PageRequest, StoreError, UserRecord, UserUpdate};

/// IAM users of an account, with their tags.
pub trait Users {
    /// Creates a user.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account) if the account does not exist;
    /// [`StoreError::AlreadyExists`] (user) if the account has a user of this name in any
    /// case, or any account has a user with this `user_id`.
    fn create(&self, user: &UserRecord) -> Result<(), StoreError>;

    /// The user of this name (in any case) in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str, user_name: &str) -> Result<Option<UserRecord>, StoreError>;

    /// A page of the account's users whose path starts with `path_prefix` (byte-wise, case
    /// sensitive; `None` means all), ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (an unknown account has no users).
    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<UserRecord>, StoreError>;

    /// Renames and/or moves a user; its keys, policies and tags follow it. Returns the
    /// updated record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::AlreadyExists`] (user) if the new
    /// name is taken by another user, or differs from the current name only in case (AWS
    /// refuses such a rename too).
    fn update(
        &self,
        account_id: &str,
        user_name: &str,
        update: &UserUpdate,
    ) -> Result<UserRecord, StoreError>;

    /// Adds tags to a user, replacing the value (and spelling) of any tag whose key matches
    /// case-insensitively ([`tag_key_fold`](crate::tag_key_fold)); new keys are appended.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::LimitExceeded`] if the user would
    /// have more than [`TAGS_PER_RESOURCE`](crate::TAGS_PER_RESOURCE) tags (nothing is
    /// changed then).
    fn tag(
        &self,
        account_id: &str,
        user_name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Removes the user's tags with these keys (matched case-insensitively); keys the user
    /// does not have are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn untag(
        &self,
        account_id: &str,
        user_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError>;

    /// Sets (`Some`: a managed policy's ARN) or removes (`None`) the user's permissions
    /// boundary. The store does not check that the policy exists (the caller does).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn set_permissions_boundary(
        &self,
        account_id: &str,
        user_name: &str,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Deletes a user (and its tags).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::Conflict`] if the user still has a
    /// login profile, access keys, an assigned MFA device, inline policies, group
    /// memberships or attached managed policies (checked in that order, AWS's).
    fn delete(&self, account_id: &str, user_name: &str) -> Result<(), StoreError>;
}
