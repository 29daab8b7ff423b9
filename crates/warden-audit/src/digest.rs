//! CloudTrail digest files: the signed, chained inventory of the log files delivered in a
//! period, in the exact format `aws cloudtrail validate-logs` checks.
//!
//! - The digest is JSON with CloudTrail's field names ([`DigestFile`]), stored gzipped.
//! - Its signature is stored *beside* it, as S3 user metadata `x-amz-meta-signature`
//!   (lowercase hex) and `x-amz-meta-signature-algorithm` (`SHA256withRSA`).
//! - The signature is RSASSA-PKCS1-v1_5 with SHA-256 over the UTF-8 string to sign
//!   ([`string_to_sign`]):
//!   `<digestEndTime>\n<digestS3Bucket>/<digestS3Object>\n<hex SHA-256 of the uncompressed digest>\n<previousDigestSignature or "null">`
//!   (no trailing newline), exactly as in the aws-cli's `Sha256RSADigestValidator`.
//! - The public key is published (ListPublicKeys) as DER PKCS#1 `RSAPublicKey`, and the
//!   digest names it by `digestPublicKeyFingerprint`: lowercase hex MD5 of that DER.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair, RsaKeyPair};
use jiff::Timestamp;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::logfile::{LogFile, gzip, sha256_hex};
use crate::time::serde_format;

mod keys;

pub use keys::{DigestKeys, PublicKeyInfo};

/// `digestSignatureAlgorithm` and the `signature-algorithm` metadata value.
pub const SIGNATURE_ALGORITHM: &str = "SHA256withRSA";
/// `hashAlgorithm` and `previousDigestHashAlgorithm`.
pub const HASH_ALGORITHM: &str = "SHA-256";

/// Why signing or checking a digest failed.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    /// The private key is not an RSA PKCS#8 key aws-lc-rs accepts.
    #[error("the digest signing key was rejected: {0}")]
    KeyRejected(String),
    /// RSA key generation or signing failed.
    #[error("RSA signing failed")]
    Signing,
    /// The digest could not be encoded or parsed.
    #[error("digest JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// gzip failed.
    #[error("gzip: {0}")]
    Gzip(#[from] std::io::Error),
}

/// A digest file's content, with CloudTrail's field names and order. Absent values are
/// written as `null`, as CloudTrail writes them (a starting digest has all five
/// `previousDigest*` fields `null`; an empty one has null event times and no log files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestFile {
    /// The trail's account.
    pub aws_account_id: String,
    /// The start of the period covered.
    #[serde(with = "serde_format")]
    pub digest_start_time: Timestamp,
    /// The end of the period covered (also the time in the digest's key).
    #[serde(with = "serde_format")]
    pub digest_end_time: Timestamp,
    /// The bucket this digest is stored in.
    #[serde(rename = "digestS3Bucket")]
    pub digest_s3_bucket: String,
    /// The key this digest is stored under.
    #[serde(rename = "digestS3Object")]
    pub digest_s3_object: String,
    /// [`fingerprint`] of the public key that verifies the signature.
    pub digest_public_key_fingerprint: String,
    /// Always [`SIGNATURE_ALGORITHM`].
    pub digest_signature_algorithm: String,
    /// The newest event in the listed log files.
    #[serde(with = "optional_time")]
    pub newest_event_time: Option<Timestamp>,
    /// The oldest event in the listed log files.
    #[serde(with = "optional_time")]
    pub oldest_event_time: Option<Timestamp>,
    /// The previous digest's bucket.
    #[serde(rename = "previousDigestS3Bucket")]
    pub previous_digest_s3_bucket: Option<String>,
    /// The previous digest's key.
    #[serde(rename = "previousDigestS3Object")]
    pub previous_digest_s3_object: Option<String>,
    /// Hex SHA-256 of the previous digest's uncompressed bytes.
    pub previous_digest_hash_value: Option<String>,
    /// [`HASH_ALGORITHM`] when there is a previous digest.
    pub previous_digest_hash_algorithm: Option<String>,
    /// The previous digest's signature (hex).
    pub previous_digest_signature: Option<String>,
    /// The log files delivered in the period.
    pub log_files: Vec<DigestLogFile>,
}

/// One entry of `logFiles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestLogFile {
    /// The log file's bucket.
    #[serde(rename = "s3Bucket")]
    pub s3_bucket: String,
    /// The log file's key.
    #[serde(rename = "s3Object")]
    pub s3_object: String,
    /// Hex SHA-256 of the uncompressed log file.
    pub hash_value: String,
    /// Always [`HASH_ALGORITHM`].
    pub hash_algorithm: String,
    /// The newest event in the file.
    #[serde(with = "serde_format")]
    pub newest_event_time: Timestamp,
    /// The oldest event in the file.
    #[serde(with = "serde_format")]
    pub oldest_event_time: Timestamp,
}

impl DigestLogFile {
    /// The entry for `file`, stored in `bucket`.
    #[must_use]
    pub fn for_file(bucket: &str, file: &LogFile) -> Self {
        Self {
            s3_bucket: bucket.to_owned(),
            s3_object: file.key.clone(),
            hash_value: file.sha256_hex.clone(),
            hash_algorithm: HASH_ALGORITHM.to_owned(),
            newest_event_time: file.newest_event_time,
            oldest_event_time: file.oldest_event_time,
        }
    }
}

/// What the next digest must say about the one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousDigest {
    /// Its bucket.
    pub bucket: String,
    /// Its key.
    pub object: String,
    /// Hex SHA-256 of its uncompressed bytes.
    pub hash_hex: String,
    /// Its signature (hex).
    pub signature_hex: String,
}

/// The RSA key that signs digests.
#[derive(Debug)]
pub struct SigningKey {
    key_pair: RsaKeyPair,
}

impl SigningKey {
    /// Loads a PKCS#8 RSA private key (2048 bits or more).
    ///
    /// # Errors
    ///
    /// [`DigestError::KeyRejected`] if aws-lc-rs refuses the key.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, DigestError> {
        RsaKeyPair::from_pkcs8(pkcs8)
            .map(|key_pair| Self { key_pair })
            .map_err(|error| DigestError::KeyRejected(error.to_string()))
    }

    /// Generates a new RSA-2048 key and returns it with its PKCS#8 encoding (to persist).
    ///
    /// This is the one place the crate draws randomness: aws-lc-rs generates RSA keys from
    /// its own system RNG and accepts no injected one. Call it at the edge (key rotation),
    /// and load keys with [`SigningKey::from_pkcs8`] everywhere else.
    ///
    /// # Errors
    ///
    /// [`DigestError::Signing`] if generation fails.
    pub fn generate() -> Result<(Self, Vec<u8>), DigestError> {
        let key_pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map_err(|_| DigestError::Signing)?;
        let pkcs8: Pkcs8V1Der<'static> = key_pair.as_der().map_err(|_| DigestError::Signing)?;
        let pkcs8 = pkcs8.as_ref().to_vec();
        Ok((Self { key_pair }, pkcs8))
    }

    /// The public key as ListPublicKeys returns it: DER PKCS#1 `RSAPublicKey`.
    #[must_use]
    pub fn public_key_der(&self) -> Vec<u8> {
        self.key_pair.public_key().as_ref().to_vec()
    }

    /// [`fingerprint`] of this key's public key.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key_der())
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, DigestError> {
        let mut signature = vec![0; self.key_pair.public_modulus_len()];
        // PKCS#1 v1.5 signing is deterministic: aws-lc-rs takes an RNG argument for API
        // symmetry but does not use it for this padding.
        self.key_pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| DigestError::Signing)?;
        Ok(signature)
    }
}

/// `digestPublicKeyFingerprint` / ListPublicKeys `Fingerprint`: lowercase hex MD5 of the
/// DER PKCS#1 public key.
#[must_use]
pub fn fingerprint(public_key_der: &[u8]) -> String {
    hex::encode(Md5::digest(public_key_der))
}

/// CloudTrail's string to sign, byte for byte as the aws-cli builds it.
#[must_use]
pub fn string_to_sign(
    digest_end_time: &str,
    bucket: &str,
    object: &str,
    digest_sha256_hex: &str,
    previous_signature: Option<&str>,
) -> String {
    format!(
        "{digest_end_time}\n{bucket}/{object}\n{digest_sha256_hex}\n{}",
        previous_signature.unwrap_or("null")
    )
}

/// A digest as written: what to store, under which key, with which metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDigest {
    /// The object key (`digestS3Object`).
    pub key: String,
    /// The uncompressed JSON (what the hash and signature cover).
    pub json: Vec<u8>,
    /// The bytes to store (gzip of `json`).
    pub gzipped: Vec<u8>,
    /// Lowercase hex signature: the `x-amz-meta-signature` metadata value.
    pub signature_hex: String,
}

impl SignedDigest {
    /// What the next digest records about this one.
    #[must_use]
    pub fn as_previous(&self, bucket: &str) -> PreviousDigest {
        PreviousDigest {
            bucket: bucket.to_owned(),
            object: self.key.clone(),
            hash_hex: sha256_hex(&self.json),
            signature_hex: self.signature_hex.clone(),
        }
    }
}

impl DigestFile {
    /// A digest for `log_files` over `[start, end]`, chained to `previous` (`None`: a
    /// starting digest), stored at `bucket`/`object`, to be signed with `key`.
    #[must_use]
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the digest's fields one to one"
    )]
    pub fn new(
        account_id: &str,
        start: Timestamp,
        end: Timestamp,
        bucket: &str,
        object: &str,
        key: &SigningKey,
        previous: Option<&PreviousDigest>,
        log_files: Vec<DigestLogFile>,
    ) -> Self {
        Self {
            aws_account_id: account_id.to_owned(),
            digest_start_time: start,
            digest_end_time: end,
            digest_s3_bucket: bucket.to_owned(),
            digest_s3_object: object.to_owned(),
            digest_public_key_fingerprint: key.fingerprint(),
            digest_signature_algorithm: SIGNATURE_ALGORITHM.to_owned(),
            newest_event_time: log_files.iter().map(|file| file.newest_event_time).max(),
            oldest_event_time: log_files.iter().map(|file| file.oldest_event_time).min(),
            previous_digest_s3_bucket: previous.map(|p| p.bucket.clone()),
            previous_digest_s3_object: previous.map(|p| p.object.clone()),
            previous_digest_hash_value: previous.map(|p| p.hash_hex.clone()),
            previous_digest_hash_algorithm: previous.map(|_| HASH_ALGORITHM.to_owned()),
            previous_digest_signature: previous.map(|p| p.signature_hex.clone()),
            log_files,
        }
    }

    /// Serialises, signs and gzips the digest. The JSON is written once; the hash and the
    /// signature cover exactly these bytes.
    ///
    /// # Errors
    ///
    /// [`DigestError`] if encoding or signing fails.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedDigest, DigestError> {
        let json = serde_json::to_vec(self)?;
        let to_sign = string_to_sign(
            &crate::time::format(self.digest_end_time),
            &self.digest_s3_bucket,
            &self.digest_s3_object,
            &sha256_hex(&json),
            self.previous_digest_signature.as_deref(),
        );
        let signature = key.sign(to_sign.as_bytes())?;
        Ok(SignedDigest {
            key: self.digest_s3_object.clone(),
            gzipped: gzip(&json)?,
            json,
            signature_hex: hex::encode(signature),
        })
    }
}

/// Verifies a digest's signature as the aws-cli does: `digest_json` is the uncompressed
/// digest, `signature_hex` the `x-amz-meta-signature` value, `public_key_der` the PKCS#1 key.
/// The string to sign uses the digest's own fields as written in its JSON.
#[must_use]
pub fn signature_is_valid(digest_json: &[u8], signature_hex: &str, public_key_der: &[u8]) -> bool {
    let Ok(fields) = serde_json::from_slice::<serde_json::Value>(digest_json) else {
        return false;
    };
    let text = |name: &str| fields.get(name).and_then(serde_json::Value::as_str);
    let (Some(end), Some(bucket), Some(object)) = (
        text("digestEndTime"),
        text("digestS3Bucket"),
        text("digestS3Object"),
    ) else {
        return false;
    };
    let to_sign = string_to_sign(
        end,
        bucket,
        object,
        &sha256_hex(digest_json),
        text("previousDigestSignature"),
    );
    let Ok(signature) = hex::decode(signature_hex) else {
        return false;
    };
    signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public_key_der)
        .verify(to_sign.as_bytes(), &signature)
        .is_ok()
}

/// serde adapter for a nullable CloudTrail timestamp.
mod optional_time {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    #[expect(
        clippy::ref_option,
        reason = "serde's `with` calls serialize with a reference"
    )]
    pub(super) fn serialize<S: Serializer>(
        time: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => serializer.serialize_str(&crate::time::format(*time)),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| crate::time::parse(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests;
