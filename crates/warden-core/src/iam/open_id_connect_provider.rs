//! OpenID Connect providers: Create/Get/List/DeleteOpenIDConnectProvider, their client ids
//! (Add/RemoveClientIDToOpenIDConnectProvider), thumbprints
//! (UpdateOpenIDConnectProviderThumbprint) and tags. A provider is its issuer URL without
//! the `https://` scheme (`host/path`), which is also the ARN's resource name.

mod operations;

use warden_protocol::Arn;
use warden_protocol::iam::arn;
use warden_store::{
    CLIENT_IDS_PER_OPEN_ID_CONNECT_PROVIDER, OpenIdConnectProviderRecord,
    THUMBPRINTS_PER_OPEN_ID_CONNECT_PROVIDER,
};

use crate::iam::identity_provider;
use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// The ARN a request names, for authorization.
fn provider_arn(provider_arn: &str) -> Result<Arn, ServiceError> {
    identity_provider::requested_arn(provider_arn, &arn::OIDC_PROVIDER, |_| true)
}

/// The caller's OpenID Connect provider the ARN names, if it exists.
fn lookup(
    call: &Authorized<'_, '_>,
    provider_arn: &str,
) -> Result<Option<OpenIdConnectProviderRecord>, ServiceError> {
    let account = call.ctx.account();
    match identity_provider::own_name(call.ctx, provider_arn, &arn::OIDC_PROVIDER, |_| true)? {
        Some(url) => Ok(call.read(|tx| tx.open_id_connect_providers().get(account, url))?),
        None => Ok(None),
    }
}

/// The caller's OpenID Connect provider the ARN names, or AWS's NoSuchEntity.
fn find_provider(
    call: &Authorized<'_, '_>,
    provider_arn: &str,
) -> Result<OpenIdConnectProviderRecord, ServiceError> {
    lookup(call, provider_arn)?.ok_or_else(|| {
        ServiceError::NoSuchEntity(format!(
            "OpenIDConnect Provider not found for arn {provider_arn}"
        ))
    })
}

/// The ARN of the caller's provider for `url` (without scheme).
fn new_provider_arn(ctx: &Ctx<'_>, url: &str) -> Arn {
    arn::oidc_provider(ctx.partition(), ctx.account(), url)
}

/// Checks a provider URL as IAM does (`https://`, a host, no port, user, query or
/// fragment; a path is allowed) and returns it without its scheme. Warden also takes a
/// loopback issuer with a port, over `http://` or `https://` ([`is_loopback_issuer`]), so
/// that tests can run an issuer of their own.
fn check_url(url: &str) -> Result<&str, ServiceError> {
    let invalid = || ServiceError::InvalidInput("Invalid Open ID Connect Provider URL.".to_owned());
    let rest = url
        .strip_prefix("https://")
        .or_else(|| {
            url.strip_prefix("http://")
                .filter(|rest| is_loopback_issuer(rest))
        })
        .ok_or_else(invalid)?;
    let host = rest.split('/').next().unwrap_or_default();
    let refused = |c: char| c.is_whitespace() || c.is_control() || "?#@\\".contains(c);
    if host.is_empty()
        || (host.contains(':') && !is_loopback_issuer(rest))
        || rest.contains(refused)
    {
        return Err(invalid());
    }
    Ok(rest)
}

/// Whether `rest` (an issuer URL without its scheme) names a loopback host with a port —
/// `localhost`, `127.0.0.0/8` or `[::1]` — the only issuers Warden reaches over plain HTTP.
pub(crate) fn is_loopback_issuer(rest: &str) -> bool {
    let authority = rest.split('/').next().unwrap_or_default();
    let Some((host, port)) = authority.rsplit_once(':') else {
        return false;
    };
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback && !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Checks thumbprints as IAM does: at most five, each 40 hex digits (the model checks the
/// length).
fn check_thumbprints(thumbprints: &[String]) -> Result<(), ServiceError> {
    if thumbprints.len() > THUMBPRINTS_PER_OPEN_ID_CONNECT_PROVIDER {
        return Err(ServiceError::InvalidInput(
            "Thumbprint list must contain fewer than 5 entries.".to_owned(),
        ));
    }
    if let Some(bad) = thumbprints
        .iter()
        .find(|t| !t.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(ServiceError::InvalidInput(format!(
            "Thumbprint {bad} is not a hex-encoded SHA-1 hash."
        )));
    }
    Ok(())
}

/// Client ids without repeats (the first kept), within AWS's quota.
fn check_client_ids(client_ids: Vec<String>) -> Result<Vec<String>, ServiceError> {
    let mut unique: Vec<String> = Vec::with_capacity(client_ids.len());
    for client_id in client_ids {
        if !unique.contains(&client_id) {
            unique.push(client_id);
        }
    }
    if unique.len() > CLIENT_IDS_PER_OPEN_ID_CONNECT_PROVIDER {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \
             {CLIENT_IDS_PER_OPEN_ID_CONNECT_PROVIDER}"
        )));
    }
    Ok(unique)
}
