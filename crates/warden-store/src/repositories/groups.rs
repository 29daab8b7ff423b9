//! [`Groups`].

use crate::{GroupRecord, GroupUpdate, Page, PageRequest, StoreError, UserRecord};

/// IAM groups of an account and their members.
pub trait Groups {
    /// Creates a group.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`] (group) if the
    /// account has a group of this name in any case, or any account has a group with this
    /// `group_id`.
    fn create(&self, group: &GroupRecord) -> Result<(), StoreError>;

    /// The group of this name (in any case) in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str, group_name: &str) -> Result<Option<GroupRecord>, StoreError>;

    /// A page of the account's groups whose path starts with `path_prefix` (byte-wise, case
    /// sensitive; `None` means all), ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<GroupRecord>, StoreError>;

    /// Renames and/or moves a group; its members and policies follow it. Returns the
    /// updated record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (group); [`StoreError::AlreadyExists`] (group) if the new
    /// name is taken by another group, or differs from the current name only in case.
    fn update(
        &self,
        account_id: &str,
        group_name: &str,
        update: &GroupUpdate,
    ) -> Result<GroupRecord, StoreError>;

    /// Deletes a group.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (group); [`StoreError::Conflict`] if it still has members,
    /// inline policies or attached managed policies.
    fn delete(&self, account_id: &str, group_name: &str) -> Result<(), StoreError>;

    /// Makes the user a member of the group; nothing changes if it already is one.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (group, then user); [`StoreError::LimitExceeded`] if the
    /// user would be in more than [`GROUPS_PER_USER`](crate::GROUPS_PER_USER) groups.
    fn add_member(
        &self,
        account_id: &str,
        group_name: &str,
        user_name: &str,
    ) -> Result<(), StoreError>;

    /// Removes the user from the group.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (group, then user, then — when the user is not a member —
    /// the user again, as AWS answers).
    fn remove_member(
        &self,
        account_id: &str,
        group_name: &str,
        user_name: &str,
    ) -> Result<(), StoreError>;

    /// The group's members, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (group).
    fn members(&self, account_id: &str, group_name: &str) -> Result<Vec<UserRecord>, StoreError>;

    /// The groups the user is a member of, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn groups_of(&self, account_id: &str, user_name: &str) -> Result<Vec<GroupRecord>, StoreError>;
}
