//! Service-specific credentials: CreateServiceSpecificCredential,
//! ListServiceSpecificCredentials, UpdateServiceSpecificCredential,
//! ResetServiceSpecificCredential, DeleteServiceSpecificCredential. A CodeCommit or Amazon
//! Keyspaces credential is a user name (`jane-at-123456789012`) and a generated password; a
//! Bedrock or CloudWatch Logs one is an API key (a public alias and a secret), optionally
//! expiring. The password or secret is shown at creation and reset only, and sealed at rest.

mod operations;

use base64::Engine as _;
use warden_protocol::iam::{ServiceSpecificCredential, ServiceSpecificCredentialMetadata};
use warden_store::ServiceCredentialRecord;
use zeroize::Zeroizing;

use crate::{Ctx, ServiceError, timestamp};

/// What sealed secrets are bound to (the sealer's associated data).
const SECRET_PURPOSE: &[u8] = b"warden/iam/service-specific-credential/secret";
/// Services whose credential is a user name and password.
const PASSWORD_SERVICES: [&str; 2] = ["codecommit.amazonaws.com", "cassandra.amazonaws.com"];
/// Services whose credential is an API key (alias and secret), which may expire.
const API_KEY_SERVICES: [&str; 2] = ["bedrock.amazonaws.com", "logs.amazonaws.com"];
/// Random bytes in a generated password or secret (44 characters in Base64).
const SECRET_BYTES: usize = 32;

/// The kind of credential a service takes; `NotSupportedService` for any other service.
fn kind_of(service_name: &str) -> Result<Kind, ServiceError> {
    if PASSWORD_SERVICES.contains(&service_name) {
        Ok(Kind::Password)
    } else if API_KEY_SERVICES.contains(&service_name) {
        Ok(Kind::ApiKey)
    } else {
        Err(ServiceError::modeled(
            &warden_protocol::iam::errors::SERVICE_NOT_SUPPORTED,
            format!("Service {service_name} is not supported for service specific credentials."),
        ))
    }
}

/// A user name and password, or an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Password,
    ApiKey,
}

/// A fresh password or secret, and its sealed form.
fn new_secret(ctx: &Ctx<'_>) -> Result<(Zeroizing<String>, Vec<u8>), ServiceError> {
    let internal = |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
    let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
    ctx.warden.rng.fill(bytes.as_mut()).map_err(internal)?;
    let secret = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_ref()));
    let sealed = ctx
        .warden
        .sealer
        .seal(secret.as_bytes(), SECRET_PURPOSE)
        .map_err(internal)?;
    Ok((secret, sealed))
}

/// A credential as Create and Reset show it, with its password or secret.
fn shown_with_secret(record: &ServiceCredentialRecord, secret: &str) -> ServiceSpecificCredential {
    let api_key = matches!(kind_of(&record.service_name), Ok(Kind::ApiKey));
    ServiceSpecificCredential {
        create_date: timestamp(record.create_date),
        expiration_date: record.expiration_date.map(timestamp),
        service_name: record.service_name.clone(),
        service_user_name: (!api_key).then(|| record.service_user_name.clone()),
        service_password: (!api_key).then(|| secret.to_owned()),
        service_credential_alias: api_key.then(|| record.service_user_name.clone()),
        service_credential_secret: api_key.then(|| secret.to_owned()),
        service_specific_credential_id: record.credential_id.clone(),
        user_name: record.user_name.clone(),
        status: record.status.as_str().to_owned(),
    }
}

/// A credential as ListServiceSpecificCredentials shows it (no secret).
fn metadata(record: ServiceCredentialRecord) -> ServiceSpecificCredentialMetadata {
    let api_key = matches!(kind_of(&record.service_name), Ok(Kind::ApiKey));
    ServiceSpecificCredentialMetadata {
        user_name: record.user_name,
        status: record.status.as_str().to_owned(),
        service_user_name: (!api_key).then(|| record.service_user_name.clone()),
        service_credential_alias: api_key.then_some(record.service_user_name),
        create_date: timestamp(record.create_date),
        expiration_date: record.expiration_date.map(timestamp),
        service_specific_credential_id: record.credential_id,
        service_name: record.service_name,
    }
}
