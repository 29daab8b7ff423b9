//! Envelope encryption: secrets are sealed under a data key ([`DataKey`]) with AES-256-GCM,
//! and the data key itself is stored sealed by the root key.
//!
//! Sealed format (version 1): `0x01 || nonce (12 bytes) || ciphertext || tag (16 bytes)`.
//! The nonce is random for every seal. The associated data (AAD) is not stored: the caller
//! supplies it again to open, which binds a ciphertext to its context (for example the
//! access key id a secret belongs to).

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use zeroize::Zeroizing;

use crate::{CryptoError, SecureRandom};

/// The purpose label (AAD) under which the root key wraps the data key for secrets at rest.
pub const DATA_KEY_PURPOSE: &[u8] = b"warden:data-key:secrets-at-rest:v1";

/// The first byte of every sealed value in the current format.
const FORMAT_VERSION: u8 = 1;
/// The length of an AES-256 key.
pub(crate) const KEY_LEN: usize = 32;
/// The length of an AES-GCM tag.
const TAG_LEN: usize = 16;

/// A 32-byte data-encryption key. Zeroized on drop, redacted in `Debug`.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// Generates a fresh random data key.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Random`] when the generator fails.
    pub fn generate(rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(bytes.as_mut())?;
        Ok(Self(bytes))
    }

    /// Takes a data key from its 32 raw bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyLength`] unless `bytes` is exactly 32 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self(key_array("data key", bytes)?))
    }

    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// Seals and opens secrets under one data key; the `SecretBox` of the design documents.
///
/// Cheap to share behind an `Arc`; `seal` and `open` take `&self`.
pub struct Sealer {
    key: LessSafeKey,
    rng: Arc<dyn SecureRandom>,
}

impl Sealer {
    /// A sealer using `key`, drawing nonces from `rng`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Encrypt`] if the crypto library rejects the key (it should not).
    pub fn new(key: &DataKey, rng: Arc<dyn SecureRandom>) -> Result<Self, CryptoError> {
        Ok(Self {
            key: aead_key(key.bytes())?,
            rng,
        })
    }

    /// Encrypts `plaintext`, binding it to `aad`. Returns the versioned sealed value.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Random`] when no nonce can be drawn, [`CryptoError::Encrypt`] when the
    /// crypto library fails.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.key, self.rng.as_ref(), plaintext, aad)
    }

    /// Decrypts a value produced by [`Sealer::seal`] with the same `aad`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::SealedFormat`] for a malformed value or unknown version,
    /// [`CryptoError::Decrypt`] for a wrong key, wrong `aad` or tampered data.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open_with(&self.key, sealed, aad)
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer(<redacted>)")
    }
}

/// Copies `bytes` into a zeroizing key array, checking the length.
pub(crate) fn key_array(
    what: &'static str,
    bytes: &[u8],
) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if bytes.len() != KEY_LEN {
        return Err(CryptoError::KeyLength {
            what,
            expected: KEY_LEN,
            actual: bytes.len(),
        });
    }
    key.copy_from_slice(bytes);
    Ok(key)
}

/// An AES-256-GCM key from raw bytes.
pub(crate) fn aead_key(bytes: &[u8; KEY_LEN]) -> Result<LessSafeKey, CryptoError> {
    let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| CryptoError::Encrypt)?;
    Ok(LessSafeKey::new(unbound))
}

/// Seals `plaintext` in the versioned format with a fresh random nonce.
pub(crate) fn seal_with(
    key: &LessSafeKey,
    rng: &dyn SecureRandom,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce)?;
    let mut sealed = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
    sealed.push(FORMAT_VERSION);
    sealed.extend_from_slice(&nonce);
    // Zeroizing: should sealing fail, the plaintext copy is wiped rather than just freed.
    let mut in_out = Zeroizing::new(plaintext.to_vec());
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad),
        &mut *in_out,
    )
    .map_err(|_| CryptoError::Encrypt)?;
    sealed.extend_from_slice(&in_out);
    Ok(sealed)
}

/// Opens a value produced by [`seal_with`].
pub(crate) fn open_with(
    key: &LessSafeKey,
    sealed: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let Some((&version, rest)) = sealed.split_first() else {
        return Err(CryptoError::SealedFormat);
    };
    if version != FORMAT_VERSION || rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::SealedFormat);
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::SealedFormat)?;
    let mut in_out = Zeroizing::new(ciphertext.to_vec());
    let plaintext_len = key
        .open_in_place(nonce, Aad::from(aad), in_out.as_mut_slice())
        .map_err(|_| CryptoError::Decrypt)?
        .len();
    in_out.truncate(plaintext_len);
    Ok(in_out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{DataKey, Sealer};
    use crate::{CryptoError, DeterministicRandom};

    fn sealer(seed: u64) -> Sealer {
        let rng = Arc::new(DeterministicRandom::new(seed));
        let key = DataKey::generate(rng.as_ref()).unwrap();
        Sealer::new(&key, rng).unwrap()
    }

    #[test]
    fn seal_then_open_round_trips() {
        let sealer = sealer(1);
        let sealed = sealer.seal(b"top secret", b"AKIAEXAMPLE").unwrap();
        assert_eq!(sealed.len(), 1 + 12 + 10 + 16);
        assert_eq!(sealed[0], 1);
        assert_eq!(
            sealer.open(&sealed, b"AKIAEXAMPLE").unwrap().as_slice(),
            b"top secret"
        );
        assert_eq!(
            sealer
                .open(&sealer.seal(b"", b"").unwrap(), b"")
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let sealer = sealer(2);
        let a = sealer.seal(b"same", b"aad").unwrap();
        let b = sealer.seal(b"same", b"aad").unwrap();
        assert_ne!(a, b);
        assert_ne!(a[1..13], b[1..13]);
    }

    #[test]
    fn wrong_aad_key_or_tampering_is_rejected() {
        let sealer = sealer(3);
        let sealed = sealer.seal(b"top secret", b"right").unwrap();
        assert!(matches!(
            sealer.open(&sealed, b"wrong"),
            Err(CryptoError::Decrypt)
        ));
        let other = self::sealer(4);
        assert!(matches!(
            other.open(&sealed, b"right"),
            Err(CryptoError::Decrypt)
        ));
        for index in 1..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assert!(
                matches!(sealer.open(&tampered, b"right"), Err(CryptoError::Decrypt)),
                "flipping byte {index} must be detected"
            );
        }
    }

    #[test]
    fn malformed_values_are_format_errors() {
        let sealer = sealer(5);
        let mut sealed = sealer.seal(b"x", b"").unwrap();
        assert!(matches!(
            sealer.open(&[], b""),
            Err(CryptoError::SealedFormat)
        ));
        assert!(matches!(
            sealer.open(&sealed[..28], b""),
            Err(CryptoError::SealedFormat)
        ));
        sealed[0] = 2;
        assert!(matches!(
            sealer.open(&sealed, b""),
            Err(CryptoError::SealedFormat)
        ));
    }

    #[test]
    fn data_key_checks_length_and_redacts_debug() {
        assert!(matches!(
            DataKey::from_bytes(&[0u8; 31]),
            Err(CryptoError::KeyLength {
                expected: 32,
                actual: 31,
                ..
            })
        ));
        let key = DataKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "DataKey(<redacted>)");
        let sealer = Sealer::new(&key, Arc::new(DeterministicRandom::new(0))).unwrap();
        assert_eq!(format!("{sealer:?}"), "Sealer(<redacted>)");
    }
}
