//! Web identity tokens: an OpenID Connect ID token (a JWT) checked as AWS checks it for
//! AssumeRoleWithWebIdentity — its issuer an IAM OpenID Connect provider of the role's
//! account, its audience one of the provider's client ids, its signature one of the
//! issuer's published keys ([`super::issuer_keys`]) with an RSA or ECDSA algorithm, and its
//! validity window (`exp`, `nbf`) against Warden's clock — each failure answered with
//! AWS's error and words.

use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use warden_protocol::sts::errors;
use warden_store::{OpenIdConnectProviderRecord, StoreExt as _};

use super::issuer_keys::KeyError;
use crate::{ServiceError, Warden};

/// The algorithms AWS accepts (RSA PKCS #1 v1.5 and ECDSA; ES512 is not in
/// `jsonwebtoken`).
const ALGORITHMS: [Algorithm; 5] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// A string claim or an array of them (`aud`, `amr`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    /// One value.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    fn values(&self) -> Vec<&str> {
        match self {
            Self::One(value) => vec![value.as_str()],
            Self::Many(values) => values.iter().map(String::as_str).collect(),
        }
    }
}

/// The claims AssumeRoleWithWebIdentity reads.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenClaims {
    /// The issuer URL.
    pub(crate) iss: Option<String>,
    /// The subject.
    pub(crate) sub: Option<String>,
    /// The audience(s).
    pub(crate) aud: Option<OneOrMany>,
    /// The authorized party (Google sets it as the client id).
    pub(crate) azp: Option<String>,
    /// Authentication methods.
    pub(crate) amr: Option<OneOrMany>,
    /// Expiry, epoch seconds.
    pub(crate) exp: Option<f64>,
    /// Not before, epoch seconds.
    pub(crate) nbf: Option<f64>,
    /// Issued at, epoch seconds.
    pub(crate) iat: Option<f64>,
    /// The source identity the provider sets.
    #[serde(rename = "https://aws.amazon.com/source_identity")]
    pub(crate) source_identity: Option<String>,
    /// Session tags the provider passes.
    #[serde(rename = "https://aws.amazon.com/tags")]
    pub(crate) tags: Option<serde_json::Value>,
}

/// A token that passed every check, with the provider it belongs to.
#[derive(Debug)]
pub(crate) struct VerifiedToken {
    /// Its claims.
    pub(crate) claims: TokenClaims,
    /// The IAM provider of its issuer (URL without scheme).
    pub(crate) provider: OpenIdConnectProviderRecord,
    /// The audience that matched one of the provider's client ids.
    pub(crate) audience: String,
    /// The subject.
    pub(crate) subject: String,
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::modeled(&errors::INVALID_IDENTITY_TOKEN, message.into())
}

/// AWS's answer to a token that is not a JWT.
fn not_a_jwt() -> ServiceError {
    invalid(
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    )
}

/// The URL an IAM provider is registered under for issuer `iss`: without its scheme —
/// `https://`, or `http://` for a loopback issuer with a port (Warden's test issuers).
pub(crate) fn provider_url(iss: &str) -> Option<&str> {
    if let Some(rest) = iss.strip_prefix("https://") {
        return Some(rest);
    }
    iss.strip_prefix("http://")
        .filter(|rest| crate::iam::is_loopback_issuer(rest))
}

/// Checks `token` for a role of `account`: the provider, audience, signature and validity
/// window, in AWS's order.
pub(crate) fn verify(
    warden: &Warden,
    account: &str,
    token: &str,
) -> Result<VerifiedToken, ServiceError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| not_a_jwt())?;
    let unverified: TokenClaims =
        jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|_| not_a_jwt())?;
    let iss = unverified.iss.clone().ok_or_else(not_a_jwt)?;
    let no_provider = || {
        invalid(format!(
            "No OpenIDConnect provider found in your account for {iss}"
        ))
    };
    let url = provider_url(&iss).ok_or_else(no_provider)?;
    let provider = warden
        .store()
        .read(|tx| tx.open_id_connect_providers().get(account, url))?
        .ok_or_else(no_provider)?;
    let audience = matched_audience(&unverified, &provider.client_ids)
        .ok_or_else(|| invalid("Incorrect token audience"))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(invalid(format!(
            "Unsupported token signing algorithm {:?}",
            header.alg
        )));
    }
    let now = warden.now();
    let key = warden
        .issuer_keys
        .key(&iss, header.kid.as_deref(), now)
        .map_err(|error| match error {
            KeyError::Unreachable => ServiceError::modeled(
                &errors::IDP_COMMUNICATION_ERROR,
                "The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached."
                    .to_owned(),
            ),
            KeyError::NoKey => invalid(
                "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
            ),
        })?;
    let mut validation = Validation::new(header.alg);
    // The window is checked below against Warden's clock, the audience above.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<TokenClaims>(token, &key, &validation)
        .map_err(|_| {
            invalid("The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request.")
        })?
        .claims;
    check_window(&claims, now.as_second())?;
    let subject = claims
        .sub
        .clone()
        .filter(|sub| !sub.is_empty())
        .ok_or_else(|| invalid("The token does not contain a valid sub claim"))?;
    Ok(VerifiedToken {
        claims,
        provider,
        audience,
        subject,
    })
}

/// The token's audience that is one of the provider's client ids: `aud` (one or many),
/// else `azp`.
fn matched_audience(claims: &TokenClaims, client_ids: &[String]) -> Option<String> {
    let known = |value: &&str| client_ids.iter().any(|id| id == value);
    claims
        .aud
        .as_ref()
        .and_then(|aud| aud.values().into_iter().find(known).map(str::to_owned))
        .or_else(|| {
            claims
                .azp
                .as_deref()
                .filter(|azp| known(azp))
                .map(str::to_owned)
        })
}

/// `exp` must be in the future (AWS's `ExpiredTokenException`, in its words), `nbf` and
/// `iat` not.
fn check_window(claims: &TokenClaims, now: i64) -> Result<(), ServiceError> {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "NumericDate seconds; a fraction is dropped, an absurd value saturates"
    )]
    let seconds = |value: f64| value as i64;
    let exp = claims
        .exp
        .map(seconds)
        .ok_or_else(|| invalid("The token does not contain a valid exp claim"))?;
    if now >= exp {
        return Err(ServiceError::modeled(
            &errors::EXPIRED_TOKEN,
            format!(
                "Token expired: current date/time {now} must be before the expiration date/time{exp}"
            ),
        ));
    }
    if let Some(nbf) = claims.nbf.map(seconds)
        && now < nbf
    {
        return Err(invalid(format!(
            "Token is not yet valid: current date/time {now} must be after the not-before date/time{nbf}"
        )));
    }
    if let Some(iat) = claims.iat.map(seconds)
        && now < iat
    {
        return Err(invalid(format!(
            "Token used before issued: current date/time {now} must be after the issue date/time{iat}"
        )));
    }
    Ok(())
}

/// The `<provider>:…` condition keys (and `aws:FederatedProvider`) a verified token fills
/// for the trust policy: `aud`, `sub` and `amr` (multi-valued).
pub(crate) fn condition_keys(
    verified: &VerifiedToken,
    provider_arn: &str,
) -> Vec<(String, warden_policy::ContextValue)> {
    use warden_policy::ContextValue;
    let prefix = &verified.provider.url;
    let mut keys = vec![
        (
            "aws:FederatedProvider".to_owned(),
            ContextValue::Single(provider_arn.to_owned()),
        ),
        (
            format!("{prefix}:aud"),
            ContextValue::Single(verified.audience.clone()),
        ),
        (
            format!("{prefix}:sub"),
            ContextValue::Single(verified.subject.clone()),
        ),
    ];
    if let Some(amr) = &verified.claims.amr {
        keys.push((
            format!("{prefix}:amr"),
            ContextValue::Multi(amr.values().into_iter().map(str::to_owned).collect()),
        ));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_map_to_provider_urls_over_https_or_loopback_http() {
        let cases = [
            ("https://token.example.com/ci", Some("token.example.com/ci")),
            ("https://127.0.0.1:8443", Some("127.0.0.1:8443")),
            (
                "http://127.0.0.1:8080/issuer",
                Some("127.0.0.1:8080/issuer"),
            ),
            ("http://localhost:9000", Some("localhost:9000")),
            ("http://[::1]:9000", Some("[::1]:9000")),
            ("http://127.0.0.1/issuer", None),
            ("http://token.example.com:8080", None),
            ("http://10.0.0.1:8080", None),
            ("token.example.com", None),
        ];
        for (iss, expected) in cases {
            assert_eq!(provider_url(iss), expected, "{iss}");
        }
    }

    #[test]
    fn the_validity_window_is_checked_in_aws_words() {
        let claims = |exp: Option<f64>, nbf: Option<f64>| TokenClaims {
            iss: None,
            sub: None,
            aud: None,
            azp: None,
            amr: None,
            exp,
            nbf,
            iat: None,
            source_identity: None,
            tags: None,
        };
        assert!(check_window(&claims(Some(200.0), None), 100).is_ok());
        let expired = check_window(&claims(Some(100.0), None), 100).unwrap_err();
        assert_eq!(
            expired.to_string(),
            ServiceError::modeled(
                &errors::EXPIRED_TOKEN,
                "Token expired: current date/time 100 must be before the expiration date/time100"
            )
            .to_string()
        );
        assert!(check_window(&claims(None, None), 100).is_err());
        assert!(check_window(&claims(Some(200.0), Some(150.0)), 100).is_err());
    }
}
