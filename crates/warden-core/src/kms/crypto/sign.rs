//! Sign, Verify and GetPublicKey.

use warden_crypto::kms::{self as primitives, SignError};
use warden_protocol::kms::{
    GetPublicKeyRequest, GetPublicKeyResponse, SignRequest, SignResponse, VerifyRequest,
    VerifyResponse, errors,
};
use warden_store::KmsKeyRecord;

use super::super::conditions::request_value;
use super::super::key::{
    encryption_algorithms, find, invalid, require_enabled, require_usage, signing_algorithms,
};
use super::super::material::{open_current, spec_of};
use super::super::resolve::access_to;
use super::dry_run;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// Whether a `MessageType` says the message is a digest (`DIGEST`) or raw (`RAW`, default).
fn is_digest(message_type: Option<&str>) -> bool {
    message_type == Some("DIGEST")
}

fn sign_error(key: &KmsKeyRecord, algorithm: &str, error: SignError) -> ServiceError {
    match error {
        SignError::Algorithm => ServiceError::modeled(
            &errors::INVALID_KEY_USAGE,
            format!(
                "Algorithm {algorithm} is incompatible with key spec {}.",
                key.key_spec
            ),
        ),
        SignError::DigestLength => invalid(format!(
            "Digest is invalid length for algorithm {algorithm}."
        )),
        SignError::Failed => ServiceError::Internal(format!("signing with {}", key.arn)),
    }
}

fn sign_access(
    ctx: &Ctx<'_>,
    key_id: &str,
    operation: &str,
    algorithm: &str,
    message_type: Option<&str>,
) -> Result<Access, ServiceError> {
    access_to(
        ctx,
        key_id,
        operation,
        None,
        vec![
            request_value("kms:SigningAlgorithm", algorithm),
            request_value("kms:MessageType", message_type.unwrap_or("RAW")),
        ],
    )
}

impl Handle for SignRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        sign_access(
            ctx,
            &self.key_id,
            "Sign",
            &self.signing_algorithm,
            self.message_type.as_deref(),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<SignResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_usage(&key, "SIGN_VERIFY", "Sign")?;
        dry_run(self.dry_run)?;
        let (material, _) = open_current(call.ctx, &key)?;
        let signature = primitives::sign(
            spec_of(&key)?,
            &material,
            &self.signing_algorithm,
            &self.message,
            is_digest(self.message_type.as_deref()),
        )
        .map_err(|error| sign_error(&key, &self.signing_algorithm, error))?;
        Ok(SignResponse {
            key_id: Some(key.arn),
            signature: Some(signature),
            signing_algorithm: Some(self.signing_algorithm),
        })
    }
}

impl Handle for VerifyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        sign_access(
            ctx,
            &self.key_id,
            "Verify",
            &self.signing_algorithm,
            self.message_type.as_deref(),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<VerifyResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_usage(&key, "SIGN_VERIFY", "Verify")?;
        dry_run(self.dry_run)?;
        let (material, _) = open_current(call.ctx, &key)?;
        let valid = primitives::verify(
            spec_of(&key)?,
            &material,
            &self.signing_algorithm,
            &self.message,
            is_digest(self.message_type.as_deref()),
            &self.signature,
        )
        .map_err(|error| sign_error(&key, &self.signing_algorithm, error))?;
        if !valid {
            return Err(ServiceError::modeled(
                &errors::KMS_INVALID_SIGNATURE,
                String::new(),
            ));
        }
        Ok(VerifyResponse {
            key_id: Some(key.arn),
            signature_valid: Some(true),
            signing_algorithm: Some(self.signing_algorithm),
        })
    }
}

impl Handle for GetPublicKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "GetPublicKey", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetPublicKeyResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        let spec = spec_of(&key)?;
        if !spec.is_rsa() && !spec.is_ecc() {
            return Err(ServiceError::modeled(
                &errors::UNSUPPORTED_OPERATION,
                format!(
                    "{} key spec {} does not have a public key.",
                    key.arn, key.key_spec
                ),
            ));
        }
        let (material, _) = open_current(call.ctx, &key)?;
        let public = primitives::public_key_der(spec, &material)
            .map_err(|error| ServiceError::Internal(format!("public key: {error}")))?;
        Ok(GetPublicKeyResponse {
            public_key: Some(public),
            customer_master_key_spec: Some(key.key_spec.clone()),
            key_spec: Some(key.key_spec.clone()),
            key_usage: Some(key.key_usage.clone()),
            encryption_algorithms: encryption_algorithms(&key),
            signing_algorithms: signing_algorithms(&key),
            key_id: Some(key.arn),
            key_agreement_algorithms: None,
            encapsulation_algorithms: None,
        })
    }
}
