//! CreateKey.

use warden_crypto::Uuid;
use warden_crypto::kms::KeySpec;
use warden_protocol::kms::{CreateKeyRequest, CreateKeyResponse, errors};
use warden_store::KmsKeyRecord;

use super::super::conditions::{request_keys, request_value};
use super::super::material::new_material;
use super::super::policy::{check_policy, default_policy};
use super::super::resolve::key_arn;
use super::deletion::purge_due;
use super::tags::{check_tags, request_tag_keys};
use super::{invalid, metadata, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The usages a key spec allows; the first is the default.
fn usages(spec: KeySpec) -> &'static [&'static str] {
    if spec == KeySpec::SymmetricDefault {
        &["ENCRYPT_DECRYPT"]
    } else if spec.is_hmac() {
        &["GENERATE_VERIFY_MAC"]
    } else if spec.is_rsa() {
        &["ENCRYPT_DECRYPT", "SIGN_VERIFY"]
    } else {
        &["SIGN_VERIFY"]
    }
}

/// The spec and usage a request asks for, checked against each other.
fn spec_and_usage(request: &CreateKeyRequest) -> Result<(KeySpec, String), ServiceError> {
    if request.key_spec.is_some() && request.customer_master_key_spec.is_some() {
        return Err(invalid(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. \
             CustomerMasterKeySpec is deprecated.",
        ));
    }
    let name = request
        .key_spec
        .as_deref()
        .or(request.customer_master_key_spec.as_deref())
        .unwrap_or("SYMMETRIC_DEFAULT");
    let spec = KeySpec::parse(name).ok_or_else(|| {
        ServiceError::modeled(
            &errors::UNSUPPORTED_OPERATION,
            format!("KeySpec {name} is not supported by this server."),
        )
    })?;
    let allowed = usages(spec);
    let usage = match request.key_usage.as_deref() {
        None if spec == KeySpec::SymmetricDefault => "ENCRYPT_DECRYPT",
        None => {
            return Err(invalid(format!(
                "You must specify a KeyUsage value for a KMS key with KeySpec {name}."
            )));
        }
        Some(usage) if allowed.contains(&usage) => usage,
        Some(usage) => {
            return Err(invalid(format!(
                "KeyUsage {usage} is not compatible with KeySpec {name}."
            )));
        }
    };
    Ok((spec, usage.to_owned()))
}

impl Handle for CreateKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let mut keys = request_keys(ctx, None);
        let (spec, usage) = spec_and_usage(self)?;
        keys.push(request_value("kms:KeySpec", spec.name()));
        keys.push(request_value("kms:KeyUsage", &usage));
        keys.push(request_value(
            "kms:KeyOrigin",
            self.origin.as_deref().unwrap_or("AWS_KMS"),
        ));
        keys.push(request_value(
            "kms:MultiRegion",
            if self.multi_region.unwrap_or(false) {
                "true"
            } else {
                "false"
            },
        ));
        keys.push(request_value(
            "kms:BypassPolicyLockoutSafetyCheck",
            if self.bypass_policy_lockout_safety_check.unwrap_or(false) {
                "true"
            } else {
                "false"
            },
        ));
        let tags: Vec<(String, String)> = self
            .tags
            .iter()
            .flatten()
            .map(|tag| (tag.tag_key.clone(), tag.tag_value.clone()))
            .collect();
        keys.extend(request_tag_keys(&tags));
        Ok(Access::Check {
            resources: Vec::new(),
            keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateKeyResponse, ServiceError> {
        let ctx = call.ctx;
        let (spec, usage) = spec_and_usage(&self)?;
        if let Some(store_id) = &self.custom_key_store_id {
            return Err(ServiceError::modeled(
                &errors::CUSTOM_KEY_STORE_NOT_FOUND,
                format!("Custom key store {store_id} does not exist."),
            ));
        }
        let origin = self.origin.as_deref().unwrap_or("AWS_KMS");
        if origin != "AWS_KMS" {
            return Err(ServiceError::modeled(
                &errors::UNSUPPORTED_OPERATION,
                format!("Origin {origin} is not supported by this server."),
            ));
        }
        if self.multi_region.unwrap_or(false) {
            return Err(ServiceError::modeled(
                &errors::UNSUPPORTED_OPERATION,
                "Multi-Region keys are not supported by this server.".to_owned(),
            ));
        }
        let tags: Vec<(String, String)> = self
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|tag| (tag.tag_key, tag.tag_value))
            .collect();
        check_tags(&tags)?;
        let key_id = Uuid::new_v4(ctx.warden.rng.as_ref())
            .map_err(|error| ServiceError::Internal(format!("key id: {error}")))?
            .to_string();
        let arn = key_arn(ctx, ctx.account(), &key_id).value;
        let policy = match self.policy {
            Some(policy) => {
                check_policy(
                    ctx,
                    &policy,
                    &arn,
                    ctx.account(),
                    self.bypass_policy_lockout_safety_check.unwrap_or(false),
                )?;
                policy
            }
            None => default_policy(ctx.partition(), ctx.account()),
        };
        let material = new_material(ctx, &key_id, spec, None)?;
        let now = ctx.warden.now().as_millisecond();
        let key = KmsKeyRecord {
            key_id,
            account_id: ctx.account().to_owned(),
            region: ctx.facts.region.clone(),
            arn,
            description: self.description.unwrap_or_default(),
            key_spec: spec.name().to_owned(),
            key_usage: usage,
            origin: origin.to_owned(),
            state: "Enabled".to_owned(),
            created: now,
            deletion_date: None,
            pending_window_days: None,
            policy,
            rotation_period_days: None,
            next_rotation: None,
            tags,
            materials: vec![material],
        };
        let (account, region) = (key.account_id.clone(), key.region.clone());
        call.write_outside_snapshot(|tx| purge_due(tx, &account, &region, now))?;
        store(call, &key)?;
        Ok(CreateKeyResponse {
            key_metadata: Some(metadata(&key)),
        })
    }
}
