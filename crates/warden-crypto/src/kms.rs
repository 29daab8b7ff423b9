//! KMS key material and what a KMS key does with it: generation for each key spec Warden
//! offers, the self-describing symmetric ciphertext format, signatures (RAW and DIGEST
//! messages), HMACs and public keys (DER `SubjectPublicKeyInfo`). All on aws-lc-rs.
//!
//! Symmetric ciphertext format (version 1):
//! `"WK" || 0x01 || key id (16 bytes, the key's UUID) || material id (32 bytes) || sealed`,
//! where `sealed` is AES-256-GCM under the key material version named
//! (`0x01 || nonce || ciphertext || tag`, as [`crate::Sealer`] writes it) with the header
//! and the canonical encryption context ([`encode_context`]) as associated data, so that a
//! changed header, a changed context or a changed byte answers a decryption failure.

use std::collections::BTreeMap;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeySize, OaepPrivateDecryptingKey, OaepPublicEncryptingKey};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, PrivateDecryptingKey};
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair, UnparsedPublicKey};
use aws_lc_rs::{hmac, rand};
use zeroize::Zeroizing;

use crate::envelope::{KEY_LEN, aead_key, key_array, open_with, seal_with};
use crate::{CryptoError, SecureRandom};

/// The key specs Warden creates keys of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    /// AES-256-GCM.
    SymmetricDefault,
    /// HMAC with SHA-224 (a 224-bit key).
    Hmac224,
    /// HMAC with SHA-256.
    Hmac256,
    /// HMAC with SHA-384.
    Hmac384,
    /// HMAC with SHA-512.
    Hmac512,
    /// RSA, 2048-bit modulus.
    Rsa2048,
    /// RSA, 3072-bit modulus.
    Rsa3072,
    /// RSA, 4096-bit modulus.
    Rsa4096,
    /// ECDSA on P-256.
    EccNistP256,
    /// ECDSA on P-384.
    EccNistP384,
    /// ECDSA on P-521.
    EccNistP521,
    /// ECDSA on secp256k1.
    EccSecgP256k1,
}

/// Every key spec Warden offers, with its KMS name.
const SPECS: [(KeySpec, &str); 12] = [
    (KeySpec::SymmetricDefault, "SYMMETRIC_DEFAULT"),
    (KeySpec::Hmac224, "HMAC_224"),
    (KeySpec::Hmac256, "HMAC_256"),
    (KeySpec::Hmac384, "HMAC_384"),
    (KeySpec::Hmac512, "HMAC_512"),
    (KeySpec::Rsa2048, "RSA_2048"),
    (KeySpec::Rsa3072, "RSA_3072"),
    (KeySpec::Rsa4096, "RSA_4096"),
    (KeySpec::EccNistP256, "ECC_NIST_P256"),
    (KeySpec::EccNistP384, "ECC_NIST_P384"),
    (KeySpec::EccNistP521, "ECC_NIST_P521"),
    (KeySpec::EccSecgP256k1, "ECC_SECG_P256K1"),
];

impl KeySpec {
    /// The spec of this KMS name (`RSA_2048`), if Warden offers it.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        SPECS
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(spec, _)| *spec)
    }

    /// Its KMS name.
    #[must_use]
    pub fn name(self) -> &'static str {
        SPECS
            .iter()
            .find(|(spec, _)| *spec == self)
            .map_or("SYMMETRIC_DEFAULT", |(_, name)| name)
    }

    /// Whether it is an HMAC spec.
    #[must_use]
    pub fn is_hmac(self) -> bool {
        matches!(
            self,
            Self::Hmac224 | Self::Hmac256 | Self::Hmac384 | Self::Hmac512
        )
    }

    /// Whether it is an RSA spec.
    #[must_use]
    pub fn is_rsa(self) -> bool {
        matches!(self, Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096)
    }

    /// Whether it is an elliptic-curve spec.
    #[must_use]
    pub fn is_ecc(self) -> bool {
        matches!(
            self,
            Self::EccNistP256 | Self::EccNistP384 | Self::EccNistP521 | Self::EccSecgP256k1
        )
    }

    /// The signing algorithms KMS offers for a key of this spec, in AWS's order.
    #[must_use]
    pub fn signing_algorithms(self) -> &'static [&'static str] {
        match self {
            Self::Rsa2048 | Self::Rsa3072 | Self::Rsa4096 => &[
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
            ],
            Self::EccNistP256 | Self::EccSecgP256k1 => &["ECDSA_SHA_256"],
            Self::EccNistP384 => &["ECDSA_SHA_384"],
            Self::EccNistP521 => &["ECDSA_SHA_512"],
            _ => &[],
        }
    }

    /// The MAC algorithm of an HMAC spec.
    #[must_use]
    pub fn mac_algorithm(self) -> Option<&'static str> {
        match self {
            Self::Hmac224 => Some("HMAC_SHA_224"),
            Self::Hmac256 => Some("HMAC_SHA_256"),
            Self::Hmac384 => Some("HMAC_SHA_384"),
            Self::Hmac512 => Some("HMAC_SHA_512"),
            _ => None,
        }
    }

    fn hmac_algorithm(self) -> Option<(hmac::Algorithm, usize)> {
        match self {
            Self::Hmac224 => Some((hmac::HMAC_SHA224, 28)),
            Self::Hmac256 => Some((hmac::HMAC_SHA256, 32)),
            Self::Hmac384 => Some((hmac::HMAC_SHA384, 48)),
            Self::Hmac512 => Some((hmac::HMAC_SHA512, 64)),
            _ => None,
        }
    }

    fn ecdsa_signing(self) -> Option<&'static signature::EcdsaSigningAlgorithm> {
        match self {
            Self::EccNistP256 => Some(&signature::ECDSA_P256_SHA256_ASN1_SIGNING),
            Self::EccNistP384 => Some(&signature::ECDSA_P384_SHA384_ASN1_SIGNING),
            Self::EccNistP521 => Some(&signature::ECDSA_P521_SHA512_ASN1_SIGNING),
            Self::EccSecgP256k1 => Some(&signature::ECDSA_P256K1_SHA256_ASN1_SIGNING),
            _ => None,
        }
    }

    fn ecdsa_verifying(self) -> Option<&'static signature::EcdsaVerificationAlgorithm> {
        match self {
            Self::EccNistP256 => Some(&signature::ECDSA_P256_SHA256_ASN1),
            Self::EccNistP384 => Some(&signature::ECDSA_P384_SHA384_ASN1),
            Self::EccNistP521 => Some(&signature::ECDSA_P521_SHA512_ASN1),
            Self::EccSecgP256k1 => Some(&signature::ECDSA_P256K1_SHA256_ASN1),
            _ => None,
        }
    }
}

/// Fresh key material for `spec`: 32 random bytes (symmetric), a random HMAC key of the
/// digest's length, or a PKCS #8 private key (RSA, ECC; drawn from aws-lc-rs's generator).
///
/// # Errors
///
/// [`CryptoError::Random`] when no randomness or key can be had.
pub fn generate(spec: KeySpec, rng: &dyn SecureRandom) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let random = |len: usize| {
        let mut bytes = Zeroizing::new(vec![0u8; len]);
        rng.fill(&mut bytes)?;
        Ok(bytes)
    };
    if let Some((_, len)) = spec.hmac_algorithm() {
        return random(len);
    }
    if let Some(algorithm) = spec.ecdsa_signing() {
        let pair = EcdsaKeyPair::generate(algorithm).map_err(|_| CryptoError::Random)?;
        let der = pair.to_pkcs8v1().map_err(|_| CryptoError::Random)?;
        return Ok(Zeroizing::new(der.as_ref().to_vec()));
    }
    let size = match spec {
        KeySpec::Rsa2048 => KeySize::Rsa2048,
        KeySpec::Rsa3072 => KeySize::Rsa3072,
        KeySpec::Rsa4096 => KeySize::Rsa4096,
        _ => return random(KEY_LEN),
    };
    let pair = RsaKeyPair::generate(size).map_err(|_| CryptoError::Random)?;
    let der: Pkcs8V1Der<'static> = pair.as_der().map_err(|_| CryptoError::Random)?;
    Ok(Zeroizing::new(der.as_ref().to_vec()))
}

/// The DER `SubjectPublicKeyInfo` of an asymmetric key's PKCS #8 material.
///
/// # Errors
///
/// [`CryptoError::SealedFormat`] when the material is not a key of that spec.
pub fn public_key_der(spec: KeySpec, pkcs8: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if let Some(algorithm) = spec.ecdsa_signing() {
        let pair =
            EcdsaKeyPair::from_pkcs8(algorithm, pkcs8).map_err(|_| CryptoError::SealedFormat)?;
        let der = pair
            .public_key()
            .as_der()
            .map_err(|_| CryptoError::SealedFormat)?;
        return Ok(der.as_ref().to_vec());
    }
    if spec.is_rsa() {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| CryptoError::SealedFormat)?;
        let der = pair
            .public_key()
            .as_der()
            .map_err(|_| CryptoError::SealedFormat)?;
        return Ok(der.as_ref().to_vec());
    }
    Err(CryptoError::SealedFormat)
}

/// Why a signing or verifying request cannot be carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignError {
    /// The algorithm is not one the key spec offers.
    Algorithm,
    /// A DIGEST message is not as long as the algorithm's digest.
    DigestLength,
    /// The key material or the library failed.
    Failed,
}

/// The digest an algorithm signs, and its RSA padding when it is an RSA algorithm.
fn signing_scheme(
    spec: KeySpec,
    algorithm: &str,
) -> Result<(&'static digest::Algorithm, Option<RsaScheme>), SignError> {
    if !spec.signing_algorithms().contains(&algorithm) {
        return Err(SignError::Algorithm);
    }
    let digest = match algorithm {
        "RSASSA_PSS_SHA_384" | "RSASSA_PKCS1_V1_5_SHA_384" | "ECDSA_SHA_384" => &digest::SHA384,
        "RSASSA_PSS_SHA_512" | "RSASSA_PKCS1_V1_5_SHA_512" | "ECDSA_SHA_512" => &digest::SHA512,
        _ => &digest::SHA256,
    };
    let rsa = match algorithm {
        "RSASSA_PSS_SHA_256" => Some(RsaScheme::Pss256),
        "RSASSA_PSS_SHA_384" => Some(RsaScheme::Pss384),
        "RSASSA_PSS_SHA_512" => Some(RsaScheme::Pss512),
        "RSASSA_PKCS1_V1_5_SHA_256" => Some(RsaScheme::Pkcs256),
        "RSASSA_PKCS1_V1_5_SHA_384" => Some(RsaScheme::Pkcs384),
        "RSASSA_PKCS1_V1_5_SHA_512" => Some(RsaScheme::Pkcs512),
        _ => None,
    };
    Ok((digest, rsa))
}

#[derive(Debug, Clone, Copy)]
enum RsaScheme {
    Pss256,
    Pss384,
    Pss512,
    Pkcs256,
    Pkcs384,
    Pkcs512,
}

impl RsaScheme {
    fn encoding(self) -> &'static dyn signature::RsaEncoding {
        match self {
            Self::Pss256 => &signature::RSA_PSS_SHA256,
            Self::Pss384 => &signature::RSA_PSS_SHA384,
            Self::Pss512 => &signature::RSA_PSS_SHA512,
            Self::Pkcs256 => &signature::RSA_PKCS1_SHA256,
            Self::Pkcs384 => &signature::RSA_PKCS1_SHA384,
            Self::Pkcs512 => &signature::RSA_PKCS1_SHA512,
        }
    }

    fn parameters(self) -> &'static signature::RsaParameters {
        match self {
            Self::Pss256 => &signature::RSA_PSS_2048_8192_SHA256,
            Self::Pss384 => &signature::RSA_PSS_2048_8192_SHA384,
            Self::Pss512 => &signature::RSA_PSS_2048_8192_SHA512,
            Self::Pkcs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Self::Pkcs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Self::Pkcs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        }
    }
}

/// The digest of `message`: computed for a RAW message, taken as given for a DIGEST one.
fn message_digest(
    algorithm: &'static digest::Algorithm,
    message: &[u8],
    is_digest: bool,
) -> Result<Digest, SignError> {
    if is_digest {
        Digest::import_less_safe(message, algorithm).map_err(|_| SignError::DigestLength)
    } else {
        Ok(digest::digest(algorithm, message))
    }
}

/// Signs `message` (or, when `is_digest`, the digest given) with an asymmetric key's PKCS #8
/// material; ECDSA signatures are DER-encoded, as KMS answers them.
///
/// # Errors
///
/// [`SignError`].
pub fn sign(
    spec: KeySpec,
    pkcs8: &[u8],
    algorithm: &str,
    message: &[u8],
    is_digest: bool,
) -> Result<Vec<u8>, SignError> {
    let (digest_algorithm, rsa) = signing_scheme(spec, algorithm)?;
    let digest = message_digest(digest_algorithm, message, is_digest)?;
    if let Some(scheme) = rsa {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| SignError::Failed)?;
        let mut signature = vec![0u8; pair.public_modulus_len()];
        pair.sign_digest(scheme.encoding(), &digest, &mut signature)
            .map_err(|_| SignError::Failed)?;
        return Ok(signature);
    }
    let algorithm = spec.ecdsa_signing().ok_or(SignError::Algorithm)?;
    let pair = EcdsaKeyPair::from_pkcs8(algorithm, pkcs8).map_err(|_| SignError::Failed)?;
    let signature = pair.sign_digest(&digest).map_err(|_| SignError::Failed)?;
    Ok(signature.as_ref().to_vec())
}

/// Whether `signature` is a valid signature of `message` (or of the digest given) under the
/// public half of an asymmetric key's PKCS #8 material.
///
/// # Errors
///
/// [`SignError`] for a request that cannot be verified at all; `Ok(false)` for a signature
/// that does not verify.
pub fn verify(
    spec: KeySpec,
    pkcs8: &[u8],
    algorithm: &str,
    message: &[u8],
    is_digest: bool,
    signature: &[u8],
) -> Result<bool, SignError> {
    let (digest_algorithm, rsa) = signing_scheme(spec, algorithm)?;
    let digest = message_digest(digest_algorithm, message, is_digest)?;
    let verified = match rsa {
        Some(scheme) => {
            let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| SignError::Failed)?;
            UnparsedPublicKey::new(scheme.parameters(), pair.public_key().as_ref())
                .verify_digest(&digest, signature)
        }
        None => {
            let algorithm = spec.ecdsa_verifying().ok_or(SignError::Algorithm)?;
            let pair =
                EcdsaKeyPair::from_pkcs8(spec.ecdsa_signing().ok_or(SignError::Algorithm)?, pkcs8)
                    .map_err(|_| SignError::Failed)?;
            UnparsedPublicKey::new(algorithm, pair.public_key().as_ref())
                .verify_digest(&digest, signature)
        }
    };
    Ok(verified.is_ok())
}

/// The HMAC of `message` under an HMAC key's material.
///
/// # Errors
///
/// [`CryptoError::KeyLength`] when the spec is not an HMAC spec.
pub fn mac(spec: KeySpec, key: &[u8], message: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (algorithm, _) = spec.hmac_algorithm().ok_or(CryptoError::KeyLength {
        what: "HMAC key",
        expected: 0,
        actual: key.len(),
    })?;
    let key = hmac::Key::new(algorithm, key);
    Ok(hmac::sign(&key, message).as_ref().to_vec())
}

/// Whether `tag` is the HMAC of `message`, compared in constant time.
///
/// # Errors
///
/// As [`mac`].
pub fn verify_mac(
    spec: KeySpec,
    key: &[u8],
    message: &[u8],
    tag: &[u8],
) -> Result<bool, CryptoError> {
    let expected = mac(spec, key, message)?;
    Ok(crate::constant_time_eq(&expected, tag))
}

/// Encrypts with RSAES-OAEP (`RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256`) under the public
/// half of an RSA key's PKCS #8 material.
///
/// # Errors
///
/// [`SignError::Algorithm`] for another algorithm, [`SignError::Failed`] when the plaintext
/// is too long for the key or the library fails.
pub fn rsa_encrypt(pkcs8: &[u8], algorithm: &str, plaintext: &[u8]) -> Result<Vec<u8>, SignError> {
    let oaep = oaep(algorithm)?;
    let private = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| SignError::Failed)?;
    let public =
        OaepPublicEncryptingKey::new(private.public_key()).map_err(|_| SignError::Failed)?;
    if plaintext.len() > public.max_plaintext_size(oaep) {
        return Err(SignError::Failed);
    }
    let mut out = vec![0u8; public.ciphertext_size()];
    let len = public
        .encrypt(oaep, plaintext, &mut out, None)
        .map_err(|_| SignError::Failed)?
        .len();
    out.truncate(len);
    Ok(out)
}

/// Decrypts RSAES-OAEP ciphertext with an RSA key's PKCS #8 material.
///
/// # Errors
///
/// [`SignError::Algorithm`] for another algorithm, [`SignError::Failed`] when the ciphertext
/// does not decrypt.
pub fn rsa_decrypt(
    pkcs8: &[u8],
    algorithm: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SignError> {
    let oaep = oaep(algorithm)?;
    let private = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| SignError::Failed)?;
    let key = OaepPrivateDecryptingKey::new(private).map_err(|_| SignError::Failed)?;
    let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
    let len = key
        .decrypt(oaep, ciphertext, &mut out, None)
        .map_err(|_| SignError::Failed)?
        .len();
    out.truncate(len);
    Ok(out)
}

fn oaep(algorithm: &str) -> Result<&'static aws_lc_rs::rsa::OaepAlgorithm, SignError> {
    match algorithm {
        "RSAES_OAEP_SHA_1" => Ok(&OAEP_SHA1_MGF1SHA1),
        "RSAES_OAEP_SHA_256" => Ok(&OAEP_SHA256_MGF1SHA256),
        _ => Err(SignError::Algorithm),
    }
}

/// The canonical bytes of an encryption context, bound as associated data: its pairs in
/// key order, each key and value prefixed by its length (4 bytes, big-endian).
#[must_use]
pub fn encode_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in context {
        for part in [key, value] {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
    }
    out
}

/// The magic bytes and format version that begin a symmetric ciphertext blob.
const BLOB_PREFIX: [u8; 3] = *b"WK\x01";
/// The header's length: prefix, key id, material id.
const HEADER_LEN: usize = 3 + 16 + 32;

/// A parsed symmetric ciphertext blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ciphertext<'a> {
    /// The UUID of the key that encrypted it.
    pub key_id: [u8; 16],
    /// The id of the key material version that encrypted it.
    pub material_id: [u8; 32],
    header: &'a [u8],
    sealed: &'a [u8],
}

impl<'a> Ciphertext<'a> {
    /// Parses a blob; `None` when it is not a Warden symmetric ciphertext (no error detail:
    /// KMS answers every such blob `InvalidCiphertextException`).
    #[must_use]
    pub fn parse(blob: &'a [u8]) -> Option<Self> {
        let header = blob.get(..HEADER_LEN)?;
        let sealed = blob.get(HEADER_LEN..)?;
        if header.get(..3)? != BLOB_PREFIX {
            return None;
        }
        let key_id = header.get(3..19)?.try_into().ok()?;
        let material_id = header.get(19..HEADER_LEN)?.try_into().ok()?;
        Some(Self {
            key_id,
            material_id,
            header,
            sealed,
        })
    }

    /// Decrypts with the material the blob names, under `context`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Decrypt`] (or `SealedFormat`) for a wrong material or context or
    /// tampered data.
    pub fn decrypt(
        &self,
        material: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = aead_key(&*key_array("KMS key material", material)?)?;
        open_with(&key, self.sealed, &associated_data(self.header, context))
    }
}

/// Encrypts `plaintext` under a symmetric key's material into a self-describing blob.
///
/// # Errors
///
/// [`CryptoError::KeyLength`] for material that is not 32 bytes, `Random`/`Encrypt` when
/// the library fails.
pub fn encrypt(
    material: &[u8],
    key_id: [u8; 16],
    material_id: [u8; 32],
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, CryptoError> {
    let key = aead_key(&*key_array("KMS key material", material)?)?;
    let mut blob = Vec::with_capacity(HEADER_LEN + 1 + 12 + plaintext.len() + 16);
    blob.extend_from_slice(&BLOB_PREFIX);
    blob.extend_from_slice(&key_id);
    blob.extend_from_slice(&material_id);
    let sealed = seal_with(&key, rng, plaintext, &associated_data(&blob, context))?;
    blob.extend_from_slice(&sealed);
    Ok(blob)
}

fn associated_data(header: &[u8], context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut aad = header.to_vec();
    aad.extend_from_slice(&encode_context(context));
    aad
}

/// `len` bytes from the system's generator (GenerateRandom, data keys).
///
/// # Errors
///
/// [`CryptoError::Random`].
pub fn random_bytes(rng: &dyn SecureRandom, len: usize) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    rng.fill(&mut bytes)?;
    Ok(bytes)
}

/// A fresh key pair for GenerateDataKeyPair: (PKCS #8 private key, DER public key).
///
/// # Errors
///
/// [`CryptoError::Random`] when no key can be generated.
pub fn generate_pair(spec: KeySpec) -> Result<(Zeroizing<Vec<u8>>, Vec<u8>), CryptoError> {
    if !spec.is_rsa() && !spec.is_ecc() {
        return Err(CryptoError::Random);
    }
    let private = generate(spec, &NoRandom)?;
    let public = public_key_der(spec, &private)?;
    Ok((private, public))
}

/// Asymmetric generation draws from aws-lc-rs's own generator; this stands in for the
/// injected one, which it never reads.
struct NoRandom;

impl SecureRandom for NoRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        rand::fill(dest).map_err(|_| CryptoError::Random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DeterministicRandom;

    fn context(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn symmetric_blobs_round_trip_and_bind_their_context() {
        let rng = DeterministicRandom::new(7);
        let material = generate(KeySpec::SymmetricDefault, &rng).unwrap();
        let ctx = context(&[("purpose", "test")]);
        let blob = encrypt(&material, [1; 16], [2; 32], b"hello", &ctx, &rng).unwrap();
        let parsed = Ciphertext::parse(&blob).unwrap();
        assert_eq!(parsed.key_id, [1; 16]);
        assert_eq!(parsed.material_id, [2; 32]);
        assert_eq!(
            parsed.decrypt(&material, &ctx).unwrap().as_slice(),
            b"hello"
        );
        assert!(parsed.decrypt(&material, &context(&[])).is_err());
        assert!(
            parsed
                .decrypt(&material, &context(&[("purpose", "other")]))
                .is_err()
        );
        let mut tampered = blob.clone();
        tampered[5] ^= 1;
        let parsed = Ciphertext::parse(&tampered).unwrap();
        assert!(parsed.decrypt(&material, &ctx).is_err());
        assert!(Ciphertext::parse(b"WK\x01short").is_none());
        assert!(Ciphertext::parse(&blob[1..]).is_none());
    }

    #[test]
    fn the_context_encoding_is_unambiguous() {
        assert_ne!(
            encode_context(&context(&[("ab", "c")])),
            encode_context(&context(&[("a", "bc")]))
        );
    }

    #[test]
    fn signatures_verify_for_every_algorithm_and_not_for_another_message() {
        let rng = DeterministicRandom::new(1);
        for spec in [
            KeySpec::Rsa2048,
            KeySpec::EccNistP256,
            KeySpec::EccNistP384,
            KeySpec::EccNistP521,
            KeySpec::EccSecgP256k1,
        ] {
            let material = generate(spec, &rng).unwrap();
            assert!(!public_key_der(spec, &material).unwrap().is_empty());
            for algorithm in spec.signing_algorithms() {
                let signature = sign(spec, &material, algorithm, b"message", false).unwrap();
                assert!(verify(spec, &material, algorithm, b"message", false, &signature).unwrap());
                assert!(
                    !verify(spec, &material, algorithm, b"massage", false, &signature).unwrap()
                );
            }
            let digest = digest::digest(&digest::SHA256, b"message");
            if spec.signing_algorithms().contains(&"ECDSA_SHA_256") {
                let signature =
                    sign(spec, &material, "ECDSA_SHA_256", digest.as_ref(), true).unwrap();
                assert!(
                    verify(
                        spec,
                        &material,
                        "ECDSA_SHA_256",
                        b"message",
                        false,
                        &signature
                    )
                    .unwrap()
                );
                assert_eq!(
                    sign(spec, &material, "ECDSA_SHA_256", b"short", true),
                    Err(SignError::DigestLength)
                );
            }
        }
        let material = generate(KeySpec::EccNistP256, &rng).unwrap();
        assert_eq!(
            sign(
                KeySpec::EccNistP256,
                &material,
                "ECDSA_SHA_384",
                b"m",
                false
            ),
            Err(SignError::Algorithm)
        );
    }

    #[test]
    fn macs_and_rsa_encryption_round_trip() {
        let rng = DeterministicRandom::new(2);
        let key = generate(KeySpec::Hmac256, &rng).unwrap();
        let tag = mac(KeySpec::Hmac256, &key, b"m").unwrap();
        assert!(verify_mac(KeySpec::Hmac256, &key, b"m", &tag).unwrap());
        assert!(!verify_mac(KeySpec::Hmac256, &key, b"n", &tag).unwrap());
        let material = generate(KeySpec::Rsa2048, &rng).unwrap();
        for algorithm in ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] {
            let ciphertext = rsa_encrypt(&material, algorithm, b"secret").unwrap();
            assert_eq!(
                rsa_decrypt(&material, algorithm, &ciphertext)
                    .unwrap()
                    .as_slice(),
                b"secret"
            );
        }
    }
}
