//! [`ServiceCredentials`].

use crate::{AccessKeyStatus, ServiceCredentialRecord, StoreError};

/// Users' service-specific credentials. A user that has any cannot be deleted
/// ([`StoreError::service_credential_conflict`]).
pub trait ServiceCredentials {
    /// Creates a credential.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::LimitExceeded`]
    /// ([`StoreError::service_credential_quota_exceeded`]) if the user already has
    /// [`SERVICE_CREDENTIALS_PER_SERVICE`](crate::SERVICE_CREDENTIALS_PER_SERVICE) for this
    /// service; [`StoreError::AlreadyExists`] if the id is taken.
    fn create(&self, credential: &ServiceCredentialRecord) -> Result<(), StoreError>;

    /// The user's credentials (all of them, or those for `service_name`), ordered by
    /// creation date then id; `user_name: None` lists every user's in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (a named user that does not exist).
    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service_name: Option<&str>,
    ) -> Result<Vec<ServiceCredentialRecord>, StoreError>;

    /// The user's credential with this id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<Option<ServiceCredentialRecord>, StoreError>;

    /// Sets the status of the user's credential.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user; a credential this user does not have).
    fn update_status(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError>;

    /// Replaces the sealed secret of the user's credential.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user; a credential this user does not have).
    fn reset_secret(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        secret_sealed: &[u8],
    ) -> Result<(), StoreError>;

    /// Deletes the user's credential.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user; a credential this user does not have).
    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<(), StoreError>;
}
