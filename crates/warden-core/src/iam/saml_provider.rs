//! SAML providers: Create/Get/List/Update/DeleteSAMLProvider and their tags. The metadata
//! document is kept as uploaded, with what a later `AssumeRoleWithSAML` needs read from it
//! ([`metadata`]): the IdP's `entityID` and signing certificates. Assertion encryption
//! (`AssertionEncryptionMode`, `AddPrivateKey`, `RemovePrivateKey`) follows the model: up to
//! two RSA private keys, each sealed before it is stored, bound to its key id, and never
//! shown by any operation (the model marks `AddPrivateKey` sensitive, so the audit record
//! never holds it either).

mod metadata;
mod operations;

use base64::Engine as _;
use warden_crypto::{CryptoError, x509};
use warden_protocol::Arn;
use warden_protocol::iam::arn;
use warden_store::{
    PRIVATE_KEYS_PER_SAML_PROVIDER, SamlEncryption, SamlMetadata, SamlPrivateKey,
    SamlProviderRecord,
};
use zeroize::Zeroizing;

use crate::iam::identity_provider;
use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// The `AssertionEncryptionMode` that needs a private key.
const REQUIRED: &str = "Required";

/// How long a provider whose metadata has no `validUntil` is valid, in years (as AWS sets
/// it).
const DEFAULT_VALIDITY_YEARS: i64 = 100;

/// Whether a name in a SAML provider ARN could be one (names have no `/`).
fn is_name(name: &str) -> bool {
    !name.contains('/')
}

/// The ARN a request names, for authorization.
fn provider_arn(provider_arn: &str) -> Result<Arn, ServiceError> {
    identity_provider::requested_arn(provider_arn, &arn::SAML_PROVIDER, is_name)
}

/// The caller's SAML provider the ARN names, or AWS's NoSuchEntity.
fn find_provider(
    call: &Authorized<'_, '_>,
    provider_arn: &str,
) -> Result<SamlProviderRecord, ServiceError> {
    let account = call.ctx.account();
    let found =
        match identity_provider::own_name(call.ctx, provider_arn, &arn::SAML_PROVIDER, is_name)? {
            Some(name) => call.read(|tx| tx.saml_providers().get(account, name))?,
            None => None,
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

/// The sealer's associated data for a SAML provider's private key: sealed keys are bound to
/// their key id.
fn private_key_purpose(key_id: &str) -> Vec<u8> {
    format!("warden/iam/saml-provider/private-key/{key_id}").into_bytes()
}

/// A request's changes to a provider's assertion encryption.
struct EncryptionChange {
    /// The new `AssertionEncryptionMode`, if any.
    mode: Option<String>,
    /// A private key to add (PEM), wiped when dropped.
    add: Option<Zeroizing<String>>,
    /// The key id of a private key to remove.
    remove: Option<String>,
}

impl EncryptionChange {
    /// Whether the request changes nothing.
    fn is_empty(&self) -> bool {
        self.mode.is_none() && self.add.is_none() && self.remove.is_none()
    }

    /// `current` with these changes, as IAM rules them: not adding and removing at once, a
    /// removed key must exist, an added key must be an RSA private key and the provider
    /// holds at most [`PRIVATE_KEYS_PER_SAML_PROVIDER`]; `Required` needs a key. `now` is
    /// epoch milliseconds.
    fn apply(
        self,
        ctx: &Ctx<'_>,
        mut current: SamlEncryption,
        now: i64,
    ) -> Result<SamlEncryption, ServiceError> {
        let invalid = |message: &str| ServiceError::InvalidInput(message.to_owned());
        if self.add.is_some() && self.remove.is_some() {
            return Err(invalid(
                "Unable to add and remove private keys in the same request.",
            ));
        }
        if let Some(key_id) = &self.remove {
            let before = current.private_keys.len();
            current.private_keys.retain(|key| key.key_id != *key_id);
            if current.private_keys.len() == before {
                return Err(invalid(
                    "Unable to remove private key because the Key ID does not match a private key of the SAML provider.",
                ));
            }
        }
        if let Some(private_key) = self.add {
            if !x509::is_rsa_private_key(&private_key) {
                return Err(invalid(
                    "Invalid private key: Key format is not recognized.",
                ));
            }
            if current.private_keys.len() >= PRIVATE_KEYS_PER_SAML_PROVIDER {
                return Err(ServiceError::LimitExceeded(format!(
                    "Private key limit of {PRIVATE_KEYS_PER_SAML_PROVIDER} is reached."
                )));
            }
            let internal = |error: CryptoError| ServiceError::Internal(error.to_string());
            let mut id = [0u8; 16];
            ctx.warden.rng.fill(&mut id).map_err(internal)?;
            let key_id: String = id.iter().map(|byte| format!("{byte:02X}")).collect();
            let private_key_sealed = ctx
                .warden
                .sealer
                .seal(private_key.as_bytes(), &private_key_purpose(&key_id))
                .map_err(internal)?;
            current.private_keys.push(SamlPrivateKey {
                key_id,
                private_key_sealed,
                upload_date: now,
            });
        }
        if let Some(mode) = self.mode {
            current.mode = Some(mode);
        }
        if current.mode.as_deref() == Some(REQUIRED) && current.private_keys.is_empty() {
            return Err(invalid(if self.remove.is_some() {
                "Failed to remove private key. A SAML provider whose AssertionEncryptionMode is Required must keep a private key."
            } else {
                "Cannot set AssertionEncryptionMode to Required because no private key is provided."
            }));
        }
        Ok(current)
    }
}
