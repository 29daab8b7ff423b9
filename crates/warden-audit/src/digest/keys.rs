//! The deployment's digest signing key and its public half as ListPublicKeys returns it.
//!
//! One key serves every account, as CloudTrail's per-Region key does. Sealing it at rest
//! and storing it is the caller's business (`warden_core::digest_key`); this type holds the
//! opened key and when it was created.

use jiff::Timestamp;

use super::{DigestError, SigningKey};

/// A public key as ListPublicKeys returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// DER PKCS#1 `RSAPublicKey` (ListPublicKeys `Value`).
    pub der: Vec<u8>,
    /// Lowercase hex MD5 of `der`.
    pub fingerprint: String,
    /// When the key was created.
    pub valid_from: Timestamp,
    /// Until when it signs digests. The key is not rotated, so this is the end of time.
    pub valid_to: Timestamp,
}

/// The digest signing key of the deployment.
#[derive(Debug)]
pub struct DigestKeys {
    key: SigningKey,
    created: Timestamp,
}

impl DigestKeys {
    /// Generates a new key created at `now`, and returns it with its PKCS#8 encoding (to
    /// seal and persist). Randomness as for [`SigningKey::generate`].
    ///
    /// # Errors
    ///
    /// [`DigestError::Signing`] if generation fails.
    pub fn generate(now: Timestamp) -> Result<(Self, Vec<u8>), DigestError> {
        let (key, pkcs8) = SigningKey::generate()?;
        Ok((Self { key, created: now }, pkcs8))
    }

    /// The key stored as PKCS#8 `pkcs8`, created at `created`.
    ///
    /// # Errors
    ///
    /// [`DigestError::KeyRejected`] if aws-lc-rs refuses the key.
    pub fn from_pkcs8(pkcs8: &[u8], created: Timestamp) -> Result<Self, DigestError> {
        Ok(Self {
            key: SigningKey::from_pkcs8(pkcs8)?,
            created,
        })
    }

    /// The public keys digests may be signed with (ListPublicKeys' answer).
    #[must_use]
    pub fn public_keys(&self) -> Vec<PublicKeyInfo> {
        vec![PublicKeyInfo {
            der: self.key.public_key_der(),
            fingerprint: self.key.fingerprint(),
            valid_from: self.created,
            valid_to: Timestamp::MAX,
        }]
    }

    /// The key that signs new digests.
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}
