//! The [`Store`] trait.

use crate::{
    AccessKeyRecord, AccessKeyStatus, AccountRecord, Page, PageRequest, SnapshotSource, StoreError,
    TrailDelivery, TrailRecord, UserPolicyRecord, UserRecord, UserUpdate, WrappedKeyRecord,
};

/// Warden's persistent state, at the level of the domain.
///
/// Every method is one atomic transaction (see the crate documentation for the invariants).
/// Lookups return `Ok(None)` when the entity is absent; mutations that refer to a missing
/// entity return [`StoreError::NotFound`]. Names are matched case-insensitively.
///
/// Synchronous by design: call it from `tokio::task::spawn_blocking`.
pub trait Store: Send + Sync {
    /// Creates an account.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`] if the id is taken.
    fn create_account(&self, account: &AccountRecord) -> Result<(), StoreError>;

    /// The account with this id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn account(&self, account_id: &str) -> Result<Option<AccountRecord>, StoreError>;

    /// All accounts, ordered by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list_accounts(&self) -> Result<Vec<AccountRecord>, StoreError>;

    /// Creates a user.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account) if the account does not exist;
    /// [`StoreError::AlreadyExists`] (user) if the account has a user of this name in any
    /// case, or any account has a user with this `user_id`.
    fn create_user(&self, user: &UserRecord) -> Result<(), StoreError>;

    /// The user of this name (in any case) in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn user(&self, account_id: &str, user_name: &str) -> Result<Option<UserRecord>, StoreError>;

    /// A page of the account's users whose path starts with `path_prefix` (byte-wise, case
    /// sensitive; `None` means all), ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (an unknown account has no users).
    fn list_users(
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
    fn update_user(
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
    fn tag_user(
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
    fn untag_user(
        &self,
        account_id: &str,
        user_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError>;

    /// Deletes a user (and its tags).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::Conflict`] if the user still has
    /// access keys or inline policies, checked in the same transaction.
    fn delete_user(&self, account_id: &str, user_name: &str) -> Result<(), StoreError>;

    /// Creates or replaces the user's inline policy of this name (matched
    /// case-insensitively; the stored name takes the new spelling).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn put_user_policy(&self, policy: &UserPolicyRecord) -> Result<(), StoreError>;

    /// The user's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (a missing user has no policies).
    fn user_policy(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<Option<UserPolicyRecord>, StoreError>;

    /// All of the user's inline policies, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn list_user_policies(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Vec<UserPolicyRecord>, StoreError>;

    /// Deletes the user's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, or user policy).
    fn delete_user_policy(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError>;

    /// Creates an access key for a user, or for the root user when `user_name` is `None`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account or user); [`StoreError::AlreadyExists`] (access
    /// key) if the id is taken; [`StoreError::LimitExceeded`] if the owner already has
    /// [`ACCESS_KEYS_PER_USER`](crate::ACCESS_KEYS_PER_USER) keys, checked in the same
    /// transaction.
    fn create_access_key(&self, key: &AccessKeyRecord) -> Result<(), StoreError>;

    /// The access key with this id, in any account (for authentication).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn access_key(&self, access_key_id: &str) -> Result<Option<AccessKeyRecord>, StoreError>;

    /// The access keys of a user (`None`: of the root user), ordered by creation date then id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account or user).
    fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError>;

    /// Sets the status of an access key owned by this user (`None`: the root user).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, or an access key this owner does not have).
    fn update_access_key_status(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError>;

    /// Deletes an access key owned by this user (`None`: the root user).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, or an access key this owner does not have).
    fn delete_access_key(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> Result<(), StoreError>;

    /// Stores a wrapped data key under a new name. The first writer wins: on
    /// [`StoreError::AlreadyExists`], read the stored one with [`Store::wrapped_key`].
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`] (wrapped key).
    fn create_wrapped_key(&self, key: &WrappedKeyRecord) -> Result<(), StoreError>;

    /// The wrapped data key of this name (exact match).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn wrapped_key(&self, name: &str) -> Result<Option<WrappedKeyRecord>, StoreError>;

    /// Creates a trail.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account), [`StoreError::AlreadyExists`] (trail).
    fn create_trail(&self, trail: &TrailRecord) -> Result<(), StoreError>;

    /// The trail of this name in this account (exact match).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn trail(&self, account_id: &str, name: &str) -> Result<Option<TrailRecord>, StoreError>;

    /// The trails of one account, or of every account (`None`), ordered by account and name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list_trails(&self, account_id: Option<&str>) -> Result<Vec<TrailRecord>, StoreError>;

    /// Replaces a trail's settings and logging state (matched by account and name; the
    /// delivery record is kept).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn update_trail(&self, trail: &TrailRecord) -> Result<(), StoreError>;

    /// Deletes a trail and its delivery record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn delete_trail(&self, account_id: &str, name: &str) -> Result<(), StoreError>;

    /// What the delivery worker last recorded for a trail (the default when nothing yet).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn trail_delivery(&self, account_id: &str, name: &str) -> Result<TrailDelivery, StoreError>;

    /// Records a trail's delivery state.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (trail).
    fn set_trail_delivery(
        &self,
        account_id: &str,
        name: &str,
        delivery: &TrailDelivery,
    ) -> Result<(), StoreError>;

    /// Everything the authorization snapshot needs, read in one consistent transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn snapshot_source(&self) -> Result<SnapshotSource, StoreError>;

    /// A counter bumped by every successful write; compare it with
    /// [`SnapshotSource::generation`] to know whether a snapshot is stale.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn generation(&self) -> Result<u64, StoreError>;
}
