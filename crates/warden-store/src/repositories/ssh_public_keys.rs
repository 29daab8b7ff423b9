//! [`SshPublicKeys`].

use crate::{AccessKeyStatus, SshPublicKeyRecord, StoreError};

/// Users' SSH public keys (CodeCommit). At most
/// [`SSH_PUBLIC_KEYS_PER_USER`](crate::SSH_PUBLIC_KEYS_PER_USER) per user, fingerprints
/// unique per user. A user with one cannot be deleted
/// ([`StoreError::ssh_public_key_conflict`]).
pub trait SshPublicKeys {
    /// Uploads a key for `key.user_name`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::SshPublicKey`](crate::EntityKind::SshPublicKey), named by the
    /// fingerprint) if the user has a key of this fingerprint, or (named by the id) if the id
    /// is taken; [`StoreError::LimitExceeded`]
    /// ([`StoreError::ssh_public_key_quota_exceeded`]) if the user has the quota already.
    fn upload(&self, key: &SshPublicKeyRecord) -> Result<(), StoreError>;

    /// The user's key with this id (exact), if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
    ) -> Result<Option<SshPublicKeyRecord>, StoreError>;

    /// The user's keys, by upload date then id; with no user, every key of the account
    /// (ordered by user, upload date and id).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<SshPublicKeyRecord>, StoreError>;

    /// Sets the status of the user's key.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then key, named by the id).
    fn set_status(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError>;

    /// Deletes the user's key.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then key, named by the id).
    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
    ) -> Result<(), StoreError>;
}
