//! Outbound identity federation: each account's issuer, under this server's public URL at
//! [`ISSUER_PATH`]`/<account>/<issuer id>`, whose discovery document and JSON Web Key Set
//! the server publishes (`/.well-known/openid-configuration`, `/.well-known/jwks.json`) so
//! that an external service can verify GetWebIdentityToken's tokens.

use serde_json::json;
use warden_store::{OutboundFederationRecord, StoreExt as _};

use crate::{ServiceError, Warden};

/// Where issuers live on this server.
pub const ISSUER_PATH: &str = "/_warden/oidc";

/// The issuer URL of `account` with this issuer id.
pub(crate) fn issuer_url(warden: &Warden, account: &str, issuer_id: &str) -> String {
    format!("{}{ISSUER_PATH}/{account}/{issuer_id}", warden.public_url())
}

/// The account's outbound federation, when its issuer id is `issuer_id`.
fn issuer(
    warden: &Warden,
    account: &str,
    issuer_id: &str,
) -> Result<Option<OutboundFederationRecord>, ServiceError> {
    Ok(warden
        .store()
        .read(|tx| tx.accounts().outbound_federation(account))?
        .filter(|record| {
            warden_crypto::constant_time_eq(record.issuer_id.as_bytes(), issuer_id.as_bytes())
        }))
}

/// The OpenID Connect discovery document of an account's issuer; `None` when the account
/// has no such issuer. Served while the issuer exists, enabled or not (disabling does not
/// invalidate tokens already issued).
///
/// # Errors
///
/// The store's.
pub fn discovery_document(
    warden: &Warden,
    account: &str,
    issuer_id: &str,
) -> Result<Option<String>, ServiceError> {
    let Some(record) = issuer(warden, account, issuer_id)? else {
        return Ok(None);
    };
    let issuer = issuer_url(warden, account, &record.issuer_id);
    Ok(Some(
        json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES384"],
        })
        .to_string(),
    ))
}

/// The JSON Web Key Set of an account's issuer (Warden's signing keys); `None` when the
/// account has no such issuer.
///
/// # Errors
///
/// The store's, or the keys' when they cannot be loaded.
pub fn key_set_document(
    warden: &Warden,
    account: &str,
    issuer_id: &str,
) -> Result<Option<String>, ServiceError> {
    if issuer(warden, account, issuer_id)?.is_none() {
        return Ok(None);
    }
    let keys = warden.token_keys()?;
    serde_json::to_string(&keys.jwks())
        .map(Some)
        .map_err(|error| ServiceError::Internal(error.to_string()))
}
