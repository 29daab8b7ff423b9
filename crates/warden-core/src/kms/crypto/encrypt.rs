//! Encrypt, Decrypt and ReEncrypt.

use warden_protocol::kms::{
    DecryptRequest, DecryptResponse, EncryptRequest, EncryptResponse, ReEncryptRequest,
    ReEncryptResponse,
};

use super::super::conditions::{context_keys, request_keys, request_value};
use super::super::key::rotation::rotate_if_due;
use super::super::key::{find, require_enabled, require_usage};
use super::super::resolve::{access_to, key_access, lookup};
use super::{
    context_or_empty, decrypt_with, dry_run, encrypt_under, encryption_algorithm,
    invalid_ciphertext, key_of_ciphertext,
};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

fn algorithm_key(algorithm: Option<&str>) -> Vec<(String, warden_policy::ContextValue)> {
    vec![request_value(
        "kms:EncryptionAlgorithm",
        algorithm.unwrap_or("SYMMETRIC_DEFAULT"),
    )]
}

impl Handle for EncryptRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(
            ctx,
            &self.key_id,
            "Encrypt",
            Some(&self.encryption_context.clone().unwrap_or_default()),
            algorithm_key(self.encryption_algorithm.as_deref()),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<EncryptResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_usage(&key, "ENCRYPT_DECRYPT", "Encrypt")?;
        let algorithm = encryption_algorithm(&key, self.encryption_algorithm.as_deref())?;
        dry_run(self.dry_run)?;
        let key = rotate_if_due(call, key)?;
        let context = context_or_empty(self.encryption_context);
        let (blob, _) = encrypt_under(
            call.ctx,
            &key,
            &algorithm,
            &self.plaintext,
            &context,
            "Encrypt",
        )?;
        Ok(EncryptResponse {
            ciphertext_blob: Some(blob),
            key_id: Some(key.arn),
            encryption_algorithm: Some(algorithm),
        })
    }
}

impl Handle for DecryptRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let blob = self
            .ciphertext_blob
            .as_deref()
            .ok_or_else(invalid_ciphertext)?;
        let found = key_of_ciphertext(ctx, blob, self.key_id.as_deref())?;
        let context = self.encryption_context.clone().unwrap_or_default();
        let mut keys = request_keys(ctx, None);
        keys.extend(context_keys(&context));
        keys.extend(algorithm_key(self.encryption_algorithm.as_deref()));
        Ok(Access::Keys {
            keys: vec![key_access(ctx, &found, "Decrypt", Some(&context), &[])?],
            others: Vec::new(),
            context: keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<DecryptResponse, ServiceError> {
        let blob = self.ciphertext_blob.ok_or_else(invalid_ciphertext)?;
        let key = key_of_ciphertext(call.ctx, &blob, self.key_id.as_deref())?.key;
        require_enabled(&key)?;
        require_usage(&key, "ENCRYPT_DECRYPT", "Decrypt")?;
        let algorithm = encryption_algorithm(&key, self.encryption_algorithm.as_deref())?;
        dry_run(self.dry_run)?;
        let context = context_or_empty(self.encryption_context);
        let (plaintext, material_id) =
            decrypt_with(call.ctx, &key, &algorithm, &blob, &context, "Decrypt")?;
        Ok(DecryptResponse {
            key_id: Some(key.arn),
            plaintext: Some(plaintext.to_vec()),
            encryption_algorithm: Some(algorithm),
            ciphertext_for_recipient: None,
            key_material_id: material_id,
        })
    }
}

impl Handle for ReEncryptRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let blob = self
            .ciphertext_blob
            .as_deref()
            .ok_or_else(invalid_ciphertext)?;
        let source = key_of_ciphertext(ctx, blob, self.source_key_id.as_deref())?;
        let destination = lookup(ctx, &self.destination_key_id)?;
        let source_context = self.source_encryption_context.clone().unwrap_or_default();
        let destination_context = self
            .destination_encryption_context
            .clone()
            .unwrap_or_default();
        let mut keys = request_keys(ctx, destination.alias.as_deref());
        keys.push(request_value(
            "kms:ReEncryptOnSameKey",
            if source.key.key_id == destination.key.key_id {
                "true"
            } else {
                "false"
            },
        ));
        let mut from = key_access(
            ctx,
            &source,
            "ReEncryptFrom",
            Some(&source_context),
            &["kms:ReEncryptFrom"],
        )?;
        from.keys.extend(context_keys(&source_context));
        from.keys
            .extend(algorithm_key(self.source_encryption_algorithm.as_deref()));
        let mut to = key_access(
            ctx,
            &destination,
            "ReEncryptTo",
            Some(&destination_context),
            &["kms:ReEncryptTo"],
        )?;
        to.keys.extend(context_keys(&destination_context));
        to.keys.extend(algorithm_key(
            self.destination_encryption_algorithm.as_deref(),
        ));
        Ok(Access::Keys {
            keys: vec![from, to],
            others: Vec::new(),
            context: keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ReEncryptResponse, ServiceError> {
        let blob = self.ciphertext_blob.ok_or_else(invalid_ciphertext)?;
        let source = key_of_ciphertext(call.ctx, &blob, self.source_key_id.as_deref())?.key;
        let destination = find(call, &self.destination_key_id)?.key;
        require_enabled(&source)?;
        require_enabled(&destination)?;
        require_usage(&source, "ENCRYPT_DECRYPT", "ReEncrypt")?;
        require_usage(&destination, "ENCRYPT_DECRYPT", "ReEncrypt")?;
        let source_algorithm =
            encryption_algorithm(&source, self.source_encryption_algorithm.as_deref())?;
        let destination_algorithm = encryption_algorithm(
            &destination,
            self.destination_encryption_algorithm.as_deref(),
        )?;
        dry_run(self.dry_run)?;
        let (plaintext, source_material) = decrypt_with(
            call.ctx,
            &source,
            &source_algorithm,
            &blob,
            &context_or_empty(self.source_encryption_context),
            "ReEncrypt",
        )?;
        let destination = rotate_if_due(call, destination)?;
        let (blob, destination_material) = encrypt_under(
            call.ctx,
            &destination,
            &destination_algorithm,
            &plaintext,
            &context_or_empty(self.destination_encryption_context),
            "ReEncrypt",
        )?;
        Ok(ReEncryptResponse {
            ciphertext_blob: Some(blob),
            source_key_id: Some(source.arn),
            key_id: Some(destination.arn),
            source_encryption_algorithm: Some(source_algorithm),
            destination_encryption_algorithm: Some(destination_algorithm),
            source_key_material_id: source_material,
            destination_key_material_id: destination_material,
        })
    }
}
