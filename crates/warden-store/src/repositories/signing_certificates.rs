//! [`SigningCertificates`].

use crate::{AccessKeyStatus, SigningCertificateRecord, StoreError};

/// X.509 signing certificates of IAM users and root users (`user_name: None`). At most
/// [`SIGNING_CERTIFICATES_PER_USER`](crate::SIGNING_CERTIFICATES_PER_USER) per owner; a
/// certificate (by digest) belongs to one owner of the account. A user with one cannot be
/// deleted ([`StoreError::signing_certificate_conflict`]).
pub trait SigningCertificates {
    /// Uploads a certificate for its owner.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account or user); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::SigningCertificate`](crate::EntityKind::SigningCertificate), named by
    /// the id) if any owner of the account has a certificate of this digest, or the id is
    /// taken; [`StoreError::LimitExceeded`]
    /// ([`StoreError::signing_certificate_quota_exceeded`]) if the owner has the quota
    /// already.
    fn upload(&self, certificate: &SigningCertificateRecord) -> Result<(), StoreError>;

    /// The owner's certificates (`None`: the root user's), by upload date then id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<SigningCertificateRecord>, StoreError>;

    /// Every certificate of the account, root's and users' (credential report, summary).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list_all(&self, account_id: &str) -> Result<Vec<SigningCertificateRecord>, StoreError>;

    /// Sets the status of the owner's certificate.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then certificate, named by the id).
    fn set_status(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError>;

    /// Deletes the owner's certificate.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then certificate, named by the id).
    fn delete(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        certificate_id: &str,
    ) -> Result<(), StoreError>;
}
