//! KMS keys: CreateKey, DescribeKey, ListKeys, Enable/DisableKey, Schedule/CancelKeyDeletion,
//! UpdateKeyDescription, tags (`key/tags.rs`) and rotation (`key/rotation.rs`); and what
//! every key operation shares — the key metadata, state and usage checks, re-reading and
//! storing a key inside the call's transaction.

mod create_key;
mod deletion;
mod describe;
mod enable;
mod list_keys;
pub(crate) mod rotation;
mod tags;

use warden_crypto::kms::KeySpec;
use warden_protocol::ModeledError;
use warden_protocol::kms::{KeyMetadata, errors};
use warden_store::KmsKeyRecord;

use super::resolve::{self, Found};
use crate::operation::Authorized;
use crate::{ServiceError, timestamp};

/// KMS's `ValidationException` (not a modeled shape, but what KMS answers for a request
/// whose members contradict each other).
pub(crate) const VALIDATION: ModeledError = ModeledError {
    shape: "ValidationException",
    code: "ValidationException",
    status: 400,
    sender_fault: true,
};

/// A `ValidationException` with `message`.
pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::modeled(&VALIDATION, message)
}

/// The encryption algorithms a key offers.
pub(crate) fn encryption_algorithms(key: &KmsKeyRecord) -> Option<Vec<String>> {
    let names: &[&str] = match (key.key_usage.as_str(), key.key_spec.as_str()) {
        ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT") => &["SYMMETRIC_DEFAULT"],
        ("ENCRYPT_DECRYPT", _) => &["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        _ => return None,
    };
    Some(names.iter().map(|name| (*name).to_owned()).collect())
}

/// The signing algorithms a signing key offers.
pub(crate) fn signing_algorithms(key: &KmsKeyRecord) -> Option<Vec<String>> {
    if key.key_usage != "SIGN_VERIFY" {
        return None;
    }
    let spec = KeySpec::parse(&key.key_spec)?;
    Some(
        spec.signing_algorithms()
            .iter()
            .map(|name| (*name).to_owned())
            .collect(),
    )
}

/// The key's metadata, as DescribeKey and CreateKey answer it.
pub(crate) fn metadata(key: &KmsKeyRecord) -> KeyMetadata {
    let pending = key.state == "PendingDeletion";
    let mac = KeySpec::parse(&key.key_spec)
        .and_then(KeySpec::mac_algorithm)
        .map(|name| vec![name.to_owned()]);
    KeyMetadata {
        aws_account_id: Some(key.account_id.clone()),
        key_id: key.key_id.clone(),
        arn: Some(key.arn.clone()),
        creation_date: Some(timestamp(key.created)),
        enabled: Some(key.state == "Enabled"),
        description: Some(key.description.clone()),
        key_usage: Some(key.key_usage.clone()),
        key_state: Some(key.state.clone()),
        deletion_date: key.deletion_date.filter(|_| pending).map(timestamp),
        origin: Some(key.origin.clone()),
        key_manager: Some("CUSTOMER".to_owned()),
        customer_master_key_spec: Some(key.key_spec.clone()),
        key_spec: Some(key.key_spec.clone()),
        encryption_algorithms: encryption_algorithms(key),
        signing_algorithms: signing_algorithms(key),
        multi_region: Some(false),
        pending_deletion_window_in_days: key.pending_window_days.filter(|_| pending),
        mac_algorithms: mac,
        current_key_material_id: (key.key_spec == "SYMMETRIC_DEFAULT")
            .then(|| key.materials.last().map(|m| m.material_id.clone()))
            .flatten(),
        ..KeyMetadata::default()
    }
}

/// `KMSInvalidStateException` for a key pending deletion.
pub(crate) fn pending_deletion(key: &KmsKeyRecord) -> ServiceError {
    ServiceError::modeled(
        &errors::KMS_INVALID_STATE,
        format!("{} is pending deletion.", key.arn),
    )
}

/// Refuses a key pending deletion (`KMSInvalidStateException`).
pub(crate) fn require_not_pending(key: &KmsKeyRecord) -> Result<(), ServiceError> {
    if key.state == "PendingDeletion" {
        return Err(pending_deletion(key));
    }
    Ok(())
}

/// Refuses a key that cannot be used for cryptography now: disabled (`DisabledException`)
/// or pending deletion (`KMSInvalidStateException`).
pub(crate) fn require_enabled(key: &KmsKeyRecord) -> Result<(), ServiceError> {
    require_not_pending(key)?;
    if key.state != "Enabled" {
        return Err(ServiceError::modeled(
            &errors::DISABLED,
            format!("{} is disabled.", key.arn),
        ));
    }
    Ok(())
}

/// Refuses a key whose usage is not `usage` for `operation` (`InvalidKeyUsageException`).
pub(crate) fn require_usage(
    key: &KmsKeyRecord,
    usage: &str,
    operation: &str,
) -> Result<(), ServiceError> {
    if key.key_usage != usage {
        return Err(ServiceError::modeled(
            &errors::INVALID_KEY_USAGE,
            format!(
                "{} key usage is {} which is not valid for {operation}.",
                key.arn, key.key_usage
            ),
        ));
    }
    Ok(())
}

/// Finds the key `given` names inside the call's transaction (after authorization: the
/// key may have changed since `access` read it).
pub(crate) fn find(call: &Authorized<'_, '_>, given: &str) -> Result<Found, ServiceError> {
    let ctx = call.ctx;
    call.read(|tx| Ok(resolve::find(ctx, tx, given)))?
}

/// Stores `key` (every field) in the call's transaction.
pub(crate) fn store(call: &mut Authorized<'_, '_>, key: &KmsKeyRecord) -> Result<(), ServiceError> {
    Ok(call.write_outside_snapshot(|tx| tx.kms().put_key(key))?)
}

/// A page of `items` after `marker` (an index into them, as KMS's opaque markers are):
/// the page, and the marker of the next page when there is one.
///
/// # Errors
///
/// `InvalidMarkerException` for a marker this listing did not give.
pub(crate) fn page<T>(
    items: Vec<T>,
    marker: Option<&str>,
    limit: Option<i32>,
    default_limit: usize,
) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let start = match marker {
        None => 0,
        Some(marker) => marker
            .parse::<usize>()
            .ok()
            .filter(|start| *start <= items.len())
            .ok_or_else(|| {
                ServiceError::modeled(&errors::INVALID_MARKER, "Invalid marker".to_owned())
            })?,
    };
    let limit = limit
        .and_then(|limit| usize::try_from(limit).ok())
        .unwrap_or(default_limit);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next = start + page.len();
    Ok((page, (next < total).then(|| next.to_string())))
}
