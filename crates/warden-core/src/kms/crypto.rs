//! Cryptographic operations: Encrypt, Decrypt, ReEncrypt (`crypto/encrypt.rs`), data keys
//! and random bytes (`crypto/data_key.rs`), signatures and public keys (`crypto/sign.rs`),
//! MACs (`crypto/mac.rs`); and what they share — encrypting under a key and finding the
//! key a ciphertext names.

mod data_key;
mod encrypt;
mod mac;
mod sign;

use std::collections::BTreeMap;

use warden_crypto::kms::{self as primitives, Ciphertext};
use warden_protocol::kms::errors;
use warden_store::KmsKeyRecord;
use warden_store::StoreExt as _;
use zeroize::Zeroizing;

use super::key::require_usage;
use super::material::{self, key_id_bytes, key_id_from_bytes, to_hex};
use super::resolve::{self, Found};
use crate::{Ctx, ServiceError};

/// `DryRunOperationException`: the request was authorized and valid, and did nothing.
pub(crate) fn dry_run(dry_run: Option<bool>) -> Result<(), ServiceError> {
    if dry_run == Some(true) {
        return Err(ServiceError::modeled(
            &errors::DRY_RUN_OPERATION,
            "The request would have succeeded, but the DryRun option is set.".to_owned(),
        ));
    }
    Ok(())
}

/// `InvalidCiphertextException`, which KMS answers without a message.
pub(crate) fn invalid_ciphertext() -> ServiceError {
    ServiceError::modeled(&errors::INVALID_CIPHERTEXT, String::new())
}

/// An empty encryption context when none was given.
pub(crate) fn context_or_empty(
    context: Option<BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    context.unwrap_or_default()
}

fn algorithm_error(key: &KmsKeyRecord, algorithm: &str) -> ServiceError {
    ServiceError::modeled(
        &errors::INVALID_KEY_USAGE,
        format!(
            "Algorithm {algorithm} is incompatible with key spec {}.",
            key.key_spec
        ),
    )
}

/// The encryption algorithm a request uses with `key`: the one given, which the key must
/// offer, or `SYMMETRIC_DEFAULT` for a symmetric key.
pub(crate) fn encryption_algorithm(
    key: &KmsKeyRecord,
    given: Option<&str>,
) -> Result<String, ServiceError> {
    let offered = super::key::encryption_algorithms(key).unwrap_or_default();
    match given {
        Some(algorithm) if offered.iter().any(|offer| offer == algorithm) => {
            Ok(algorithm.to_owned())
        }
        Some(algorithm) => Err(algorithm_error(key, algorithm)),
        None if key.key_spec == "SYMMETRIC_DEFAULT" => Ok("SYMMETRIC_DEFAULT".to_owned()),
        None => Err(super::key::invalid(format!(
            "EncryptionAlgorithm is required for {} keys.",
            key.key_spec
        ))),
    }
}

/// Encrypts `plaintext` under `key` (usable, `ENCRYPT_DECRYPT`): a self-describing blob
/// bound to `context` for a symmetric key, RSAES-OAEP for an RSA key. Returns the blob and
/// the id of the material version used (symmetric keys).
pub(crate) fn encrypt_under(
    ctx: &Ctx<'_>,
    key: &KmsKeyRecord,
    algorithm: &str,
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
    operation: &str,
) -> Result<(Vec<u8>, Option<String>), ServiceError> {
    require_usage(key, "ENCRYPT_DECRYPT", operation)?;
    let (material, material_id) = material::open_current(ctx, key)?;
    if key.key_spec == "SYMMETRIC_DEFAULT" {
        let key_id = key_id_bytes(&key.key_id)
            .ok_or_else(|| ServiceError::Internal(format!("malformed key id {}", key.key_id)))?;
        let blob = primitives::encrypt(
            &material,
            key_id,
            material_id,
            plaintext,
            context,
            ctx.warden.rng.as_ref(),
        )
        .map_err(|error| ServiceError::Internal(format!("encrypt: {error}")))?;
        return Ok((blob, Some(to_hex(&material_id))));
    }
    let blob = primitives::rsa_encrypt(&material, algorithm, plaintext).map_err(|_| {
        super::key::invalid(format!(
            "Plaintext is too long to encrypt with {algorithm} under {}.",
            key.arn
        ))
    })?;
    Ok((blob, None))
}

/// The key a symmetric ciphertext names, in the call's Region; with an RSA key named by
/// `key_id`, that key. `AccessDeniedException` in AWS's words when the key does not exist.
pub(crate) fn key_of_ciphertext(
    ctx: &Ctx<'_>,
    blob: &[u8],
    key_id: Option<&str>,
) -> Result<Found, ServiceError> {
    let named = key_id
        .map(|given| resolve::lookup(ctx, given))
        .transpose()?;
    if let Some(found) = named
        .as_ref()
        .filter(|found| found.key.key_spec != "SYMMETRIC_DEFAULT")
    {
        return Ok(found.clone());
    }
    let parsed = Ciphertext::parse(blob).ok_or_else(invalid_ciphertext)?;
    let id = key_id_from_bytes(&parsed.key_id);
    let key = ctx
        .warden
        .store()
        .read(|tx| resolve::key_by_id(ctx, tx, &id))?
        .filter(|key| key.region == ctx.facts.region)
        .ok_or_else(|| {
            ServiceError::AccessDenied(
                "The ciphertext refers to a customer master key that does not exist, does not \
                 exist in this region, or you are not allowed to access."
                    .to_owned(),
            )
        })?;
    if let Some(named) = named
        && named.key.key_id != key.key_id
    {
        return Err(ServiceError::modeled(
            &errors::INCORRECT_KEY,
            "The key ID in the request does not identify a KMS key that can perform this \
             operation."
                .to_owned(),
        ));
    }
    Ok(Found { key, alias: None })
}

/// Decrypts `blob` with `key` (usable, `ENCRYPT_DECRYPT`) under `context`: the plaintext
/// and the id of the material version that made it (symmetric keys).
/// `InvalidCiphertextException` when it does not decrypt.
pub(crate) fn decrypt_with(
    ctx: &Ctx<'_>,
    key: &KmsKeyRecord,
    algorithm: &str,
    blob: &[u8],
    context: &BTreeMap<String, String>,
    operation: &str,
) -> Result<(Zeroizing<Vec<u8>>, Option<String>), ServiceError> {
    require_usage(key, "ENCRYPT_DECRYPT", operation)?;
    if key.key_spec != "SYMMETRIC_DEFAULT" {
        let (material, _) = material::open_current(ctx, key)?;
        let plaintext = primitives::rsa_decrypt(&material, algorithm, blob)
            .map_err(|_| invalid_ciphertext())?;
        return Ok((plaintext, None));
    }
    let parsed = Ciphertext::parse(blob).ok_or_else(invalid_ciphertext)?;
    let material_id = to_hex(&parsed.material_id);
    let version = key
        .materials
        .iter()
        .find(|version| version.material_id == material_id)
        .ok_or_else(invalid_ciphertext)?;
    let material = material::open(ctx, key, version)?;
    let plaintext = parsed
        .decrypt(&material, context)
        .map_err(|_| invalid_ciphertext())?;
    Ok((plaintext, Some(material_id)))
}
