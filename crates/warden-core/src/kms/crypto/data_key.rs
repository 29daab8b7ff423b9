//! GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair,
//! GenerateDataKeyPairWithoutPlaintext and GenerateRandom.

use std::collections::BTreeMap;

use warden_crypto::kms::{self as primitives, KeySpec};
use warden_protocol::kms::{
    GenerateDataKeyPairRequest, GenerateDataKeyPairResponse,
    GenerateDataKeyPairWithoutPlaintextRequest, GenerateDataKeyPairWithoutPlaintextResponse,
    GenerateDataKeyRequest, GenerateDataKeyResponse, GenerateDataKeyWithoutPlaintextRequest,
    GenerateDataKeyWithoutPlaintextResponse, GenerateRandomRequest, GenerateRandomResponse, errors,
};
use zeroize::Zeroizing;

use super::super::conditions::request_value;
use super::super::key::rotation::rotate_if_due;
use super::super::key::{find, invalid, require_enabled};
use super::super::resolve::access_to;
use super::{dry_run, encrypt_under};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The length of the data key a request asks for: `KeySpec` (AES_128, AES_256) or
/// `NumberOfBytes`, exactly one of them.
fn data_key_length(key_spec: Option<&str>, bytes: Option<i32>) -> Result<usize, ServiceError> {
    match (key_spec, bytes) {
        (Some("AES_128"), None) => Ok(16),
        (Some("AES_256"), None) => Ok(32),
        (None, Some(bytes)) => usize::try_from(bytes)
            .ok()
            .filter(|bytes| (1..=1024).contains(bytes))
            .ok_or_else(|| invalid("NumberOfBytes must be between 1 and 1024.")),
        (Some(spec), None) => Err(invalid(format!("KeySpec {spec} is not valid."))),
        _ => Err(invalid(
            "Please specify either number of bytes or key spec.",
        )),
    }
}

/// A data key: its plaintext, its ciphertext, the key ARN and the material id.
type DataKey = (Zeroizing<Vec<u8>>, Vec<u8>, String, Option<String>);

/// A data key under the key `key_id` names: its plaintext, its ciphertext, the key ARN and
/// the material id.
fn data_key(
    call: &mut Authorized<'_, '_>,
    key_id: &str,
    length: usize,
    context: Option<BTreeMap<String, String>>,
    dry: Option<bool>,
    operation: &str,
) -> Result<DataKey, ServiceError> {
    let key = find(call, key_id)?.key;
    require_enabled(&key)?;
    symmetric_only(&key, operation)?;
    dry_run(dry)?;
    let key = rotate_if_due(call, key)?;
    let plaintext = primitives::random_bytes(call.ctx.warden.rng.as_ref(), length)
        .map_err(|error| ServiceError::Internal(format!("data key: {error}")))?;
    let (blob, material) = encrypt_under(
        call.ctx,
        &key,
        "SYMMETRIC_DEFAULT",
        &plaintext,
        &context.unwrap_or_default(),
        operation,
    )?;
    Ok((plaintext, blob, key.arn, material))
}

/// Data keys come only from symmetric encryption keys.
fn symmetric_only(key: &warden_store::KmsKeyRecord, operation: &str) -> Result<(), ServiceError> {
    super::super::key::require_usage(key, "ENCRYPT_DECRYPT", operation)?;
    if key.key_spec != "SYMMETRIC_DEFAULT" {
        return Err(ServiceError::modeled(
            &errors::INVALID_KEY_USAGE,
            format!(
                "{} key spec {} is not valid for {operation}.",
                key.arn, key.key_spec
            ),
        ));
    }
    Ok(())
}

fn context_access(
    ctx: &Ctx<'_>,
    key_id: &str,
    operation: &str,
    context: Option<&BTreeMap<String, String>>,
    extra: Vec<(String, warden_policy::ContextValue)>,
) -> Result<Access, ServiceError> {
    access_to(
        ctx,
        key_id,
        operation,
        Some(&context.cloned().unwrap_or_default()),
        extra,
    )
}

impl Handle for GenerateDataKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        context_access(
            ctx,
            &self.key_id,
            "GenerateDataKey",
            self.encryption_context.as_ref(),
            Vec::new(),
        )
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateDataKeyResponse, ServiceError> {
        let length = data_key_length(self.key_spec.as_deref(), self.number_of_bytes)?;
        let (plaintext, blob, arn, material) = data_key(
            call,
            &self.key_id,
            length,
            self.encryption_context,
            self.dry_run,
            "GenerateDataKey",
        )?;
        Ok(GenerateDataKeyResponse {
            ciphertext_blob: Some(blob),
            plaintext: Some(plaintext.to_vec()),
            key_id: Some(arn),
            ciphertext_for_recipient: None,
            key_material_id: material,
        })
    }
}

impl Handle for GenerateDataKeyWithoutPlaintextRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        context_access(
            ctx,
            &self.key_id,
            "GenerateDataKeyWithoutPlaintext",
            self.encryption_context.as_ref(),
            Vec::new(),
        )
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateDataKeyWithoutPlaintextResponse, ServiceError> {
        let length = data_key_length(self.key_spec.as_deref(), self.number_of_bytes)?;
        let (_, blob, arn, material) = data_key(
            call,
            &self.key_id,
            length,
            self.encryption_context,
            self.dry_run,
            "GenerateDataKeyWithoutPlaintext",
        )?;
        Ok(GenerateDataKeyWithoutPlaintextResponse {
            ciphertext_blob: Some(blob),
            key_id: Some(arn),
            key_material_id: material,
        })
    }
}

/// A data key pair: (private key PKCS #8 plaintext, its ciphertext under the KMS key, the
/// DER public key, the key ARN, the material id).
type Pair = (Zeroizing<Vec<u8>>, Vec<u8>, Vec<u8>, String, Option<String>);

fn data_key_pair(
    call: &mut Authorized<'_, '_>,
    key_id: &str,
    pair_spec: &str,
    context: Option<BTreeMap<String, String>>,
    dry: Option<bool>,
    operation: &str,
) -> Result<Pair, ServiceError> {
    let spec = KeySpec::parse(pair_spec)
        .filter(|spec| spec.is_rsa() || spec.is_ecc())
        .ok_or_else(|| {
            ServiceError::modeled(
                &errors::UNSUPPORTED_OPERATION,
                format!("KeyPairSpec {pair_spec} is not supported by this server."),
            )
        })?;
    let key = find(call, key_id)?.key;
    require_enabled(&key)?;
    symmetric_only(&key, operation)?;
    dry_run(dry)?;
    let key = rotate_if_due(call, key)?;
    let (private, public) = primitives::generate_pair(spec)
        .map_err(|error| ServiceError::Internal(format!("data key pair: {error}")))?;
    let (blob, material) = encrypt_under(
        call.ctx,
        &key,
        "SYMMETRIC_DEFAULT",
        &private,
        &context.unwrap_or_default(),
        operation,
    )?;
    Ok((private, blob, public, key.arn, material))
}

impl Handle for GenerateDataKeyPairRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        context_access(
            ctx,
            &self.key_id,
            "GenerateDataKeyPair",
            self.encryption_context.as_ref(),
            vec![request_value("kms:DataKeyPairSpec", &self.key_pair_spec)],
        )
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateDataKeyPairResponse, ServiceError> {
        let (private, blob, public, arn, material) = data_key_pair(
            call,
            &self.key_id,
            &self.key_pair_spec,
            self.encryption_context,
            self.dry_run,
            "GenerateDataKeyPair",
        )?;
        Ok(GenerateDataKeyPairResponse {
            private_key_ciphertext_blob: Some(blob),
            private_key_plaintext: Some(private.to_vec()),
            public_key: Some(public),
            key_id: Some(arn),
            key_pair_spec: Some(self.key_pair_spec),
            ciphertext_for_recipient: None,
            key_material_id: material,
        })
    }
}

impl Handle for GenerateDataKeyPairWithoutPlaintextRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        context_access(
            ctx,
            &self.key_id,
            "GenerateDataKeyPairWithoutPlaintext",
            self.encryption_context.as_ref(),
            vec![request_value("kms:DataKeyPairSpec", &self.key_pair_spec)],
        )
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateDataKeyPairWithoutPlaintextResponse, ServiceError> {
        let (_, blob, public, arn, material) = data_key_pair(
            call,
            &self.key_id,
            &self.key_pair_spec,
            self.encryption_context,
            self.dry_run,
            "GenerateDataKeyPairWithoutPlaintext",
        )?;
        Ok(GenerateDataKeyPairWithoutPlaintextResponse {
            private_key_ciphertext_blob: Some(blob),
            public_key: Some(public),
            key_id: Some(arn),
            key_pair_spec: Some(self.key_pair_spec),
            key_material_id: material,
        })
    }
}

impl Handle for GenerateRandomRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: Vec::new(),
            keys: super::super::conditions::request_keys(ctx, None),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GenerateRandomResponse, ServiceError> {
        if let Some(store_id) = &self.custom_key_store_id {
            return Err(ServiceError::modeled(
                &errors::CUSTOM_KEY_STORE_NOT_FOUND,
                format!("Custom key store {store_id} does not exist."),
            ));
        }
        let length = self
            .number_of_bytes
            .and_then(|bytes| usize::try_from(bytes).ok())
            .filter(|bytes| (1..=1024).contains(bytes))
            .ok_or_else(|| invalid("NumberOfBytes must be between 1 and 1024."))?;
        let bytes = primitives::random_bytes(call.ctx.warden.rng.as_ref(), length)
            .map_err(|error| ServiceError::Internal(format!("random: {error}")))?;
        Ok(GenerateRandomResponse {
            plaintext: Some(bytes.to_vec()),
            ciphertext_for_recipient: None,
        })
    }
}
