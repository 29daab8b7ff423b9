//! [`ServerCertificates`].

use crate::{Page, PageRequest, ServerCertificateRecord, ServerCertificateUpdate, StoreError};

/// The server certificates of an account and their tags. Records come back with `tags`
/// filled in, the private key still sealed.
pub trait ServerCertificates {
    /// Uploads a server certificate.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::ServerCertificate`](crate::EntityKind::ServerCertificate)) if the
    /// account has one of this name in any case, or any account has one with this id;
    /// [`StoreError::LimitExceeded`] ([`StoreError::server_certificate_quota_exceeded`]) if
    /// the account has [`SERVER_CERTIFICATES_PER_ACCOUNT`](crate::SERVER_CERTIFICATES_PER_ACCOUNT)
    /// already.
    fn upload(&self, certificate: &ServerCertificateRecord) -> Result<(), StoreError>;

    /// The server certificate of this name (in any case) in the account.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<ServerCertificateRecord>, StoreError>;

    /// A page of the account's server certificates whose path starts with `path_prefix`
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
    ) -> Result<Page<ServerCertificateRecord>, StoreError>;

    /// How many server certificates the account has (GetAccountSummary).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn count(&self, account_id: &str) -> Result<usize, StoreError>;

    /// Renames and/or moves a server certificate; its tags follow. Returns it as updated.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (server certificate); [`StoreError::AlreadyExists`] if
    /// another of the account's server certificates has the new name in any case (a change
    /// of case of its own name is allowed).
    fn update(
        &self,
        account_id: &str,
        name: &str,
        update: &ServerCertificateUpdate,
    ) -> Result<ServerCertificateRecord, StoreError>;

    /// Adds tags, as [`Users::tag`](crate::Users::tag) does; over the quota the error is
    /// [`StoreError::tag_quota_exceeded`] for
    /// [`EntityKind::ServerCertificate`](crate::EntityKind::ServerCertificate).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (server certificate); [`StoreError::LimitExceeded`].
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
    /// [`StoreError::NotFound`] (server certificate).
    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError>;

    /// Deletes a server certificate with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (server certificate).
    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
}
