//! Key material versions: generated for a key spec, sealed under the data key for secrets
//! at rest (bound to the key id and material id), opened one call at a time into zeroizing
//! buffers; and the ids that name keys and materials inside ciphertext blobs.

use warden_crypto::kms::KeySpec;
use warden_store::{KmsKeyMaterialRecord, KmsKeyRecord};
use zeroize::Zeroizing;

use crate::{Ctx, ServiceError};

/// The purpose label sealed material is bound to, with the key id and material id.
const MATERIAL_PURPOSE: &str = "warden/kms/key-material/v1";

fn associated_data(key_id: &str, material_id: &str) -> Vec<u8> {
    format!("{MATERIAL_PURPOSE}:{key_id}:{material_id}").into_bytes()
}

/// The 16 bytes of a key id (a lowercase-hex, hyphenated UUID), if it is one.
pub(crate) fn key_id_bytes(id: &str) -> Option<[u8; 16]> {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    if lengths != [8, 4, 4, 4, 12] {
        return None;
    }
    let digits: String = groups.concat();
    if digits
        .bytes()
        .any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    from_hex(&digits)
}

/// The key id of 16 UUID bytes.
pub(crate) fn key_id_from_bytes(bytes: &[u8; 16]) -> String {
    let hex = to_hex(bytes);
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or_default().to_owned();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The bytes of lowercase hex, exactly `N` of them.
pub(crate) fn from_hex<const N: usize>(hex: &str) -> Option<[u8; N]> {
    if hex.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (index, byte) in out.iter_mut().enumerate() {
        let pair = hex.get(index * 2..index * 2 + 2)?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// The spec of a stored key.
pub(crate) fn spec_of(key: &KmsKeyRecord) -> Result<KeySpec, ServiceError> {
    KeySpec::parse(&key.key_spec)
        .ok_or_else(|| ServiceError::Internal(format!("unknown stored key spec {}", key.key_spec)))
}

/// A fresh material version for `key_id`, sealed.
pub(crate) fn new_material(
    ctx: &Ctx<'_>,
    key_id: &str,
    spec: KeySpec,
    rotation_type: Option<&str>,
) -> Result<KmsKeyMaterialRecord, ServiceError> {
    let warden = ctx.warden;
    let mut id = [0u8; 32];
    warden
        .rng
        .fill(&mut id)
        .map_err(|error| crypto_failed(&error))?;
    let material_id = to_hex(&id);
    let material = warden_crypto::kms::generate(spec, warden.rng.as_ref())
        .map_err(|error| crypto_failed(&error))?;
    let sealed = warden
        .sealer
        .seal(&material, &associated_data(key_id, &material_id))
        .map_err(|error| crypto_failed(&error))?;
    Ok(KmsKeyMaterialRecord {
        material_id,
        sealed,
        created: warden.now().as_millisecond(),
        rotation_type: rotation_type.map(str::to_owned),
    })
}

/// Opens a stored material version of `key`.
pub(crate) fn open(
    ctx: &Ctx<'_>,
    key: &KmsKeyRecord,
    material: &KmsKeyMaterialRecord,
) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
    ctx.warden
        .sealer
        .open(
            &material.sealed,
            &associated_data(&key.key_id, &material.material_id),
        )
        .map_err(|error| crypto_failed(&error))
}

/// The current material version of `key`.
pub(crate) fn current(key: &KmsKeyRecord) -> Result<&KmsKeyMaterialRecord, ServiceError> {
    key.materials
        .last()
        .ok_or_else(|| ServiceError::Internal(format!("key {} has no material", key.key_id)))
}

/// Opens the current material version of `key`, with its id.
pub(crate) fn open_current(
    ctx: &Ctx<'_>,
    key: &KmsKeyRecord,
) -> Result<(Zeroizing<Vec<u8>>, [u8; 32]), ServiceError> {
    let material = current(key)?;
    let id = from_hex(&material.material_id).ok_or_else(|| {
        ServiceError::Internal(format!("key {} has a malformed material id", key.key_id))
    })?;
    Ok((open(ctx, key, material)?, id))
}

fn crypto_failed(error: &warden_crypto::CryptoError) -> ServiceError {
    ServiceError::Internal(format!("kms key material: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_round_trip_through_bytes() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let bytes = key_id_bytes(id).unwrap();
        assert_eq!(key_id_from_bytes(&bytes), id);
        assert!(key_id_bytes("1234ABCD-12ab-34cd-56ef-1234567890ab").is_none());
        assert!(key_id_bytes("1234abcd12ab34cd56ef1234567890ab").is_none());
        assert!(key_id_bytes("alias/x").is_none());
    }
}
