//! GenerateMac and VerifyMac.

use warden_crypto::kms as primitives;
use warden_protocol::kms::{
    GenerateMacRequest, GenerateMacResponse, VerifyMacRequest, VerifyMacResponse, errors,
};
use warden_store::KmsKeyRecord;
use zeroize::Zeroizing;

use super::super::conditions::request_value;
use super::super::key::{find, require_enabled, require_usage};
use super::super::material::{open_current, spec_of};
use super::super::resolve::access_to;
use super::dry_run;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The HMAC key `given` names, checked for `algorithm`, and its material.
fn mac_key(
    call: &Authorized<'_, '_>,
    given: &str,
    algorithm: &str,
    operation: &str,
) -> Result<(KmsKeyRecord, Zeroizing<Vec<u8>>), ServiceError> {
    let key = find(call, given)?.key;
    require_enabled(&key)?;
    require_usage(&key, "GENERATE_VERIFY_MAC", operation)?;
    if spec_of(&key)?.mac_algorithm() != Some(algorithm) {
        return Err(ServiceError::modeled(
            &errors::INVALID_KEY_USAGE,
            format!(
                "Algorithm {algorithm} is incompatible with key spec {}.",
                key.key_spec
            ),
        ));
    }
    let (material, _) = open_current(call.ctx, &key)?;
    Ok((key, material))
}

fn mac_failed(error: &warden_crypto::CryptoError) -> ServiceError {
    ServiceError::Internal(format!("mac: {error}"))
}

impl Handle for GenerateMacRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(
            ctx,
            &self.key_id,
            "GenerateMac",
            None,
            vec![request_value("kms:MacAlgorithm", &self.mac_algorithm)],
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GenerateMacResponse, ServiceError> {
        let (key, material) = mac_key(call, &self.key_id, &self.mac_algorithm, "GenerateMac")?;
        dry_run(self.dry_run)?;
        let mac = primitives::mac(spec_of(&key)?, &material, &self.message)
            .map_err(|error| mac_failed(&error))?;
        Ok(GenerateMacResponse {
            mac: Some(mac),
            mac_algorithm: Some(self.mac_algorithm),
            key_id: Some(key.arn),
        })
    }
}

impl Handle for VerifyMacRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(
            ctx,
            &self.key_id,
            "VerifyMac",
            None,
            vec![request_value("kms:MacAlgorithm", &self.mac_algorithm)],
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<VerifyMacResponse, ServiceError> {
        let (key, material) = mac_key(call, &self.key_id, &self.mac_algorithm, "VerifyMac")?;
        dry_run(self.dry_run)?;
        let valid = primitives::verify_mac(spec_of(&key)?, &material, &self.message, &self.mac)
            .map_err(|error| mac_failed(&error))?;
        if !valid {
            return Err(ServiceError::modeled(
                &errors::KMS_INVALID_MAC,
                String::new(),
            ));
        }
        Ok(VerifyMacResponse {
            key_id: Some(key.arn),
            mac_valid: Some(true),
            mac_algorithm: Some(self.mac_algorithm),
        })
    }
}
