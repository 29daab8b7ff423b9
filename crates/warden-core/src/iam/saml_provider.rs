//! SAML providers: Create/Get/List/Update/DeleteSAMLProvider and their tags. The metadata
//! document is kept as uploaded, with what a later `AssumeRoleWithSAML` needs read from it
//! ([`metadata`]): the IdP's `entityID` and signing certificates. Assertion encryption
//! (`AssertionEncryptionMode`, `AddPrivateKey`, `RemovePrivateKey`) is refused.

mod metadata;
mod operations;

use base64::Engine as _;
use warden_protocol::Arn;
use warden_protocol::iam::arn;
use warden_store::{SamlMetadata, SamlProviderRecord};

use crate::iam::identity_provider::{self, invalid_arn};
use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// How long a provider whose metadata has no `validUntil` is valid, in years (as AWS sets
/// it).
const DEFAULT_VALIDITY_YEARS: i64 = 100;

/// A SAML provider ARN a request names: its account and name, if it is one.
fn parse_arn(provider_arn: &str) -> Option<(&str, &str)> {
    identity_provider::parse_arn(provider_arn, arn::SAML_PROVIDER.name)
        .filter(|(_, name)| !name.contains('/'))
}

/// The ARN a request names, for authorization.
fn provider_arn(provider_arn: &str) -> Result<Arn, ServiceError> {
    parse_arn(provider_arn).ok_or_else(|| invalid_arn(provider_arn))?;
    identity_provider::requested_arn(provider_arn, &arn::SAML_PROVIDER)
}

/// The caller's SAML provider the ARN names, or AWS's NoSuchEntity.
fn find_provider(
    call: &Authorized<'_, '_>,
    provider_arn: &str,
) -> Result<SamlProviderRecord, ServiceError> {
    let account = call.ctx.account();
    let found = match parse_arn(provider_arn) {
        Some((arn_account, name)) if arn_account == account => {
            call.read(|tx| tx.saml_providers().get(account, name))?
        }
        Some(_) => None,
        None => return Err(invalid_arn(provider_arn)),
    };
    found.ok_or_else(|| not_found(provider_arn))
}

/// AWS's NoSuchEntity for a SAML provider.
fn not_found(provider_arn: &str) -> ServiceError {
    ServiceError::NoSuchEntity(format!("Manifest not found for arn {provider_arn}"))
}

/// The ARN of a new SAML provider of the caller's account.
fn new_provider_arn(ctx: &Ctx<'_>, name: &str) -> Arn {
    arn::saml_provider(ctx.partition(), ctx.account(), name)
}

/// Reads a metadata document as IAM does, `now` being epoch milliseconds (the default
/// `ValidUntil` counts from it); AWS's InvalidInput when it is not SAML 2.0 IdP metadata.
fn read_metadata(document: String, now: i64) -> Result<SamlMetadata, ServiceError> {
    let parsed = metadata::parse(&document)
        .ok_or_else(|| ServiceError::InvalidInput("Could not parse metadata".to_owned()))?;
    let valid_until = match parsed.valid_until {
        Some(valid_until) => valid_until,
        None => default_valid_until(now)?,
    };
    Ok(SamlMetadata {
        document,
        entity_id: parsed.entity_id,
        signing_certificates: parsed
            .signing_certificates
            .iter()
            .map(|der| base64::engine::general_purpose::STANDARD.encode(der))
            .collect(),
        valid_until,
    })
}

/// `now` (epoch milliseconds) plus [`DEFAULT_VALIDITY_YEARS`].
fn default_valid_until(now: i64) -> Result<i64, ServiceError> {
    let internal = |error: jiff::Error| ServiceError::Internal(error.to_string());
    let now = jiff::Timestamp::from_millisecond(now).map_err(internal)?;
    let utc = jiff::tz::Offset::UTC;
    let later = utc
        .to_datetime(now)
        .checked_add(jiff::Span::new().years(DEFAULT_VALIDITY_YEARS))
        .map_err(internal)?;
    Ok(utc.to_timestamp(later).map_err(internal)?.as_millisecond())
}

/// Warden's refusal of assertion encryption, which it does not implement.
fn encryption_refused() -> ServiceError {
    ServiceError::InvalidInput(
        "SAML assertion encryption (AssertionEncryptionMode, AddPrivateKey, RemovePrivateKey) \
         is not supported."
            .to_owned(),
    )
}
