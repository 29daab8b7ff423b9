//! [`AccessKeys`].

use crate::{AccessKeyRecord, AccessKeyStatus, AccessKeyUse, StoreError};

/// Long-term access keys of IAM users and of root users (`user_name: None`).
pub trait AccessKeys {
    /// Creates an access key for a user, or for the root user when `user_name` is `None`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account or user); [`StoreError::AlreadyExists`] (access
    /// key) if the id is taken; [`StoreError::LimitExceeded`] if the owner already has
    /// [`ACCESS_KEYS_PER_USER`](crate::ACCESS_KEYS_PER_USER) keys.
    fn create(&self, key: &AccessKeyRecord) -> Result<(), StoreError>;

    /// The access key with this id, in any account (for authentication).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, access_key_id: &str) -> Result<Option<AccessKeyRecord>, StoreError>;

    /// The access keys of a user (`None`: of the root user), ordered by creation date then id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account or user).
    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError>;

    /// Sets the status of an access key owned by this user (`None`: the root user).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, or an access key this owner does not have).
    fn update_status(
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
    fn delete(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> Result<(), StoreError>;

    /// Records the last use of each key in `uses` (a later `when` than the stored one
    /// replaces it; an earlier one is ignored; keys that no longer exist are skipped).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn record_uses(&self, uses: &[AccessKeyUse]) -> Result<(), StoreError>;

    /// The recorded last use of the key, if it was ever used (or exists).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn last_used(&self, access_key_id: &str) -> Result<Option<AccessKeyUse>, StoreError>;
}
