//! AssumeRoleWithSAML: a session of a role for a user an IAM SAML provider's IdP
//! authenticated. The call is not signed: the SAML response is the credential. Its
//! signature is verified with the provider's certificates and its claims read from the
//! signed assertion only ([`super::saml`]); the assertion must name the role and provider
//! requested (the `Role` attribute), be addressed to AWS's sign-in endpoint and be within its
//! validity; the role's trust policy must allow `sts:AssumeRoleWithSAML` for the provider
//! (`Federated`), with the `saml:*` keys AWS fills. The session is then an ordinary role
//! session (session policies and duration as AssumeRole).

use base64::Engine as _;
use warden_policy::{ArnParts, ContextValue};
use warden_protocol::Arn;
use warden_protocol::iam::arn as iam_arn;
use warden_protocol::sts::{
    AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse, AssumedRoleUser, errors,
};
use warden_store::StoreExt as _;

use super::role_session;
use super::saml::{self, Assertion, Refusal};
use super::session::{NewSession, issue_in};
use super::session_policies::{packed_size, session_policies};
use super::session_tags::SessionTags;
use crate::operation::Ran;
use crate::session_token::TokenPrincipal;
use crate::{FederatedIdentity, FederationKind, Output, RequestFacts, ServiceError, Warden};

/// The attribute naming the role and provider pairs.
const ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// The attribute naming the session.
const ROLE_SESSION_NAME: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
/// The attribute capping the session's duration (seconds).
const SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
/// The attribute setting the session's source identity.
const SOURCE_IDENTITY: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
/// The bounds of the `SessionDuration` attribute.
const SESSION_DURATION_RANGE: std::ops::RangeInclusive<i64> = 900..=43_200;
/// The prefix of the standard name identifier formats, which `SubjectType` drops.
const NAME_ID_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
/// The audience AWS's SP metadata declares.
const AWS_AUDIENCE: &str = "urn:amazon:webservices";

/// SAML attributes AWS exposes as `saml:` condition keys, by attribute name (the eduPerson
/// and LDAP object identifiers and Microsoft's primary group SID claim).
const ATTRIBUTE_KEYS: &[(&str, &str)] = &[
    ("urn:oid:2.5.4.3", "saml:cn"),
    ("urn:oid:2.5.4.3", "saml:commonName"),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1", "saml:eduOrg"),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
        "saml:edupersonaffiliation",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.11",
        "saml:edupersonassurance",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
        "saml:edupersonentitlement",
    ),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "saml:edupersonnickname"),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "saml:edupersonorgdn"),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.4",
        "saml:edupersonorgunitdn",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.5",
        "saml:edupersonprimaryaffiliation",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.8",
        "saml:edupersonprimaryorgunitdn",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
        "saml:edupersonprincipalname",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
        "saml:edupersonscopedaffiliation",
    ),
    (
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.10",
        "saml:edupersontargetedid",
    ),
    ("urn:oid:2.5.4.42", "saml:givenName"),
    ("urn:oid:0.9.2342.19200300.100.1.3", "saml:mail"),
    ("urn:oid:2.16.840.1.113730.3.1.241", "saml:name"),
    ("urn:oid:1.3.6.1.4.1.25178.1.2.9", "saml:organizationStatus"),
    (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid",
        "saml:primaryGroupSID",
    ),
    ("urn:oid:2.5.4.4", "saml:surname"),
    ("urn:oid:0.9.2342.19200300.100.1.1", "saml:uid"),
    ("urn:oid:2.5.4.45", "saml:x500UniqueIdentifier"),
];

/// Runs the call (it has no caller): the resources named are the role and the provider.
pub(super) fn call(
    warden: &Warden,
    facts: &RequestFacts,
    request: &AssumeRoleWithSAMLRequest,
) -> Ran {
    let resources = vec![
        Arn {
            resource_type: &iam_arn::ROLE,
            value: request.role_arn.clone(),
        },
        Arn {
            resource_type: &iam_arn::SAML_PROVIDER,
            value: request.principal_arn.clone(),
        },
    ];
    match assume(warden, facts, request) {
        Ok((output, user)) => Ran {
            result: Ok(Some(Box::new(output) as Output)),
            resources,
            federated: Some(user),
        },
        Err(error) => Ran {
            result: Err(error),
            resources,
            federated: None,
        },
    }
}

/// AWS's AccessDenied for every refusal of the role or its trust policy.
fn not_authorized() -> ServiceError {
    ServiceError::AccessDenied("Not authorized to perform sts:AssumeRoleWithSAML".to_owned())
}

/// AWS's InvalidIdentityToken.
fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::modeled(&errors::INVALID_IDENTITY_TOKEN, message)
}

/// AWS's ExpiredTokenException.
fn expired() -> ServiceError {
    ServiceError::modeled(&errors::EXPIRED_TOKEN, "SAML assertion has expired")
}

/// The session, and the SAML user as CloudTrail records the call.
fn assume(
    warden: &Warden,
    facts: &RequestFacts,
    request: &AssumeRoleWithSAMLRequest,
) -> Result<(AssumeRoleWithSAMLResponse, FederatedIdentity), ServiceError> {
    let (_, provider_account, provider_name) = crate::iam::identity_provider::parse_arn(
        &request.principal_arn,
        iam_arn::SAML_PROVIDER.name,
    )
    .ok_or_else(|| invalid("Specified provider doesn't exist."))?;
    let provider = warden
        .store()
        .read(|tx| tx.saml_providers().get(provider_account, provider_name))?
        .filter(|provider| provider.arn == request.principal_arn)
        .ok_or_else(|| invalid("Specified provider doesn't exist."))?;
    let now = facts.now;
    if provider.metadata.valid_until <= now.as_millisecond() {
        return Err(invalid("Specified provider has expired."));
    }
    let certificates: Vec<Vec<u8>> = provider
        .metadata
        .signing_certificates
        .iter()
        .filter_map(|der| base64::engine::general_purpose::STANDARD.decode(der).ok())
        .collect();
    let assertion =
        saml::read(&request.saml_assertion, &certificates).map_err(|refusal| match refusal {
            Refusal::Signature => invalid("Response signature invalid"),
            Refusal::Malformed(reason) => invalid(format!("Invalid SAML response: {reason}")),
        })?;
    let issuer_known = assertion.issuer == provider.metadata.entity_id
        && assertion
            .response_issuer
            .as_ref()
            .is_none_or(|issuer| *issuer == provider.metadata.entity_id);
    if !issuer_known {
        return Err(invalid(
            "Failed to assume role: Issuer not present in specified provider",
        ));
    }
    let recipient = check_times_and_audience(&assertion, now, warden.partition())?;
    let subject = assertion.name_id.clone().ok_or_else(not_authorized)?;
    if !names_pair(&assertion, &request.role_arn, &request.principal_arn) {
        return Err(not_authorized());
    }
    let session_name = role_session_name(&assertion)?;
    let source_identity = source_identity(&assertion)?;

    let role_parts = ArnParts::parse(&request.role_arn).ok_or_else(not_authorized)?;
    let role_name = role_parts
        .resource
        .strip_prefix("role/")
        .and_then(|rest| rest.rsplit('/').next())
        .filter(|name| !name.is_empty() && !name.starts_with("AWSReservedSSO_"))
        .ok_or_else(not_authorized)?;
    if role_parts.service != "iam" || role_parts.account != provider.account_id {
        return Err(not_authorized());
    }
    let account = provider.account_id.clone();
    let snapshot = warden.snapshot();
    let role = snapshot
        .role(&account, role_name)
        .filter(|role| role.arn == request.role_arn)
        .ok_or_else(not_authorized)?;
    let trust = role.trust.as_ref().map_err(|_| not_authorized())?;

    let name_qualifier = name_qualifier(&assertion.issuer, &account, &provider.name);
    let mut keys = saml_keys(
        &assertion,
        &recipient,
        &name_qualifier,
        &account,
        &provider.name,
    );
    keys.push((
        "sts:RoleSessionName".to_owned(),
        ContextValue::Single(session_name.clone()),
    ));
    let mut actions = vec!["sts:AssumeRoleWithSAML"];
    if let Some(source) = &source_identity {
        keys.push((
            "sts:SourceIdentity".to_owned(),
            ContextValue::Single(source.clone()),
        ));
        actions.push("sts:SetSourceIdentity");
    }
    keys.push((
        "aws:FederatedProvider".to_owned(),
        ContextValue::Single(provider.arn.clone()),
    ));
    for action in actions {
        crate::authorize::authorize_federated(
            &provider.arn,
            facts,
            crate::Permission {
                action: action.to_owned(),
                resource: role.arn.clone(),
                resource_account: account.clone(),
                keys: keys.clone(),
            },
            trust,
        )
        .map_err(|()| not_authorized())?;
    }

    let requested = role_session::duration(role, request.duration_seconds, false)?;
    let duration = session_duration(&assertion, i64::from(requested), now)?;
    let policy_arns = session_policies(request.policy.as_deref(), request.policy_arns.as_deref())?;
    let packed = packed_size(
        request.policy.as_deref(),
        &policy_arns,
        &SessionTags::default(),
    )?;
    let credentials = issue_in(
        warden,
        &account,
        NewSession {
            principal: TokenPrincipal::Role {
                name: role_name.to_owned(),
                id: role.role_id.clone(),
                arn: role.arn.clone(),
                session: session_name.clone(),
            },
            duration_seconds: duration,
            mfa_at: None,
            policy: request.policy.clone(),
            policy_arns,
            source_identity: source_identity.clone(),
            from_get_session_token: false,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
        },
    )?;
    let user = FederatedIdentity {
        kind: FederationKind::Saml,
        principal_id: format!("{name_qualifier}:{subject}"),
        user_name: subject.clone(),
        identity_provider: name_qualifier.clone(),
        account_id: account.clone(),
    };
    let response = AssumeRoleWithSAMLResponse {
        credentials: Some(credentials),
        assumed_role_user: Some(AssumedRoleUser {
            assumed_role_id: format!("{}:{session_name}", role.role_id),
            arn: format!(
                "arn:{}:sts::{account}:assumed-role/{role_name}/{session_name}",
                warden.partition()
            ),
        }),
        packed_policy_size: packed,
        subject: Some(subject),
        subject_type: assertion.name_id_format.as_deref().map(subject_type),
        issuer: Some(assertion.issuer),
        audience: Some(recipient),
        name_qualifier: Some(name_qualifier),
        source_identity,
        ..AssumeRoleWithSAMLResponse::default()
    };
    Ok((response, user))
}

/// A SAML `dateTime`; an unreadable one makes the response invalid.
fn instant(value: &str) -> Result<jiff::Timestamp, ServiceError> {
    value
        .parse::<jiff::Timestamp>()
        .map_err(|_| invalid(format!("Invalid SAML response: unreadable time {value}")))
}

/// Whether `recipient` is one of AWS's sign-in endpoints for SAML (global, `static`, or a
/// region's) in `partition`.
fn is_sign_in_endpoint(recipient: &str, partition: &str) -> bool {
    let domain = if partition == "aws-cn" {
        "signin.amazonaws.cn"
    } else {
        "signin.aws.amazon.com"
    };
    let Some(rest) = recipient.strip_prefix("https://") else {
        return false;
    };
    if rest == format!("{domain}/saml") || rest == format!("{domain}/static/saml") {
        return true;
    }
    rest.strip_suffix(&format!(".{domain}/saml"))
        .is_some_and(|region| {
            !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Checks the assertion's validity window (its conditions and its bearer confirmation) at
/// `now` and that it is addressed to AWS; the confirmation's `Recipient` (the response's
/// `Audience`).
fn check_times_and_audience(
    assertion: &Assertion,
    now: jiff::Timestamp,
    partition: &str,
) -> Result<String, ServiceError> {
    let no_audience = || invalid("Response does not contain the required audience.");
    let confirmation = assertion
        .confirmations
        .first()
        .ok_or_else(|| invalid("Invalid SAML response: no bearer subject confirmation"))?;
    let not_on_or_after = confirmation.not_on_or_after.as_deref().ok_or_else(|| {
        invalid("Invalid SAML response: the subject confirmation has no NotOnOrAfter")
    })?;
    let recipient = confirmation.recipient.clone().ok_or_else(no_audience)?;
    if !is_sign_in_endpoint(&recipient, partition) {
        return Err(no_audience());
    }
    for audiences in &assertion.audience_restrictions {
        let addressed = audiences
            .iter()
            .any(|audience| audience == AWS_AUDIENCE || is_sign_in_endpoint(audience, partition));
        if !addressed {
            return Err(no_audience());
        }
    }
    for not_before in [&assertion.not_before, &confirmation.not_before]
        .into_iter()
        .flatten()
    {
        if instant(not_before)? > now {
            return Err(invalid(
                "Invalid SAML response: the assertion is not yet valid",
            ));
        }
    }
    for end in [Some(not_on_or_after), assertion.not_on_or_after.as_deref()]
        .into_iter()
        .flatten()
    {
        if instant(end)? <= now {
            return Err(expired());
        }
    }
    Ok(recipient)
}

/// Whether the `Role` attribute holds the pair (role, provider) requested, in either order.
fn names_pair(assertion: &Assertion, role_arn: &str, provider_arn: &str) -> bool {
    assertion.values(ROLE).into_iter().any(|value| {
        let mut parts = value.split(',').map(str::trim);
        match (parts.next(), parts.next(), parts.next()) {
            (Some(first), Some(second), None) => {
                (first == role_arn && second == provider_arn)
                    || (first == provider_arn && second == role_arn)
            }
            _ => false,
        }
    })
}

/// Whether `value` matches `[a-zA-Z_0-9+=,.@-]{2,64}`.
fn is_session_name(value: &str) -> bool {
    (2..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// The `RoleSessionName` attribute, required and in AWS's pattern.
fn role_session_name(assertion: &Assertion) -> Result<String, ServiceError> {
    let value = assertion
        .values(ROLE_SESSION_NAME)
        .into_iter()
        .next()
        .ok_or_else(|| invalid("RoleSessionName is required in AuthnResponse"))?;
    if !is_session_name(value) {
        return Err(invalid(
            "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        ));
    }
    Ok(value.to_owned())
}

/// The `SourceIdentity` attribute, when present, in AWS's pattern.
fn source_identity(assertion: &Assertion) -> Result<Option<String>, ServiceError> {
    if !assertion.has(SOURCE_IDENTITY) {
        return Ok(None);
    }
    match assertion.values(SOURCE_IDENTITY).into_iter().next() {
        Some(value) if is_session_name(value) && !value.starts_with("aws:") => {
            Ok(Some(value.to_owned()))
        }
        _ => Err(invalid(
            "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\"",
        )),
    }
}

/// The session's duration in seconds: the one requested, shortened by the `SessionDuration`
/// attribute and the `SessionNotOnOrAfter` of the authentication.
fn session_duration(
    assertion: &Assertion,
    requested: i64,
    now: jiff::Timestamp,
) -> Result<i64, ServiceError> {
    let mut duration = requested;
    if let Some(value) = assertion.values(SESSION_DURATION).into_iter().next() {
        let seconds = value
            .parse::<i64>()
            .ok()
            .filter(|seconds| SESSION_DURATION_RANGE.contains(seconds))
            .ok_or_else(|| {
                invalid("SessionDuration in AuthnResponse must be between 900 and 43200 seconds")
            })?;
        duration = duration.min(seconds);
    }
    if let Some(end) = &assertion.session_not_on_or_after {
        let left = instant(end)?.as_second().saturating_sub(now.as_second());
        if left <= 0 {
            return Err(expired());
        }
        duration = duration.min(left);
    }
    Ok(duration)
}

/// `NameQualifier` (and `saml:namequalifier`): base64 of the SHA-1 of the issuer, the
/// account id and `/` with the provider's name, as AWS documents it.
fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let digest =
        warden_crypto::legacy_sha1(format!("{issuer}{account}/{provider_name}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// `SubjectType`: the `NameID` format, the standard prefix dropped.
fn subject_type(format: &str) -> String {
    format
        .strip_prefix(NAME_ID_FORMAT)
        .unwrap_or(format)
        .to_owned()
}

/// The `saml:` condition keys of the assertion, as AWS fills them.
fn saml_keys(
    assertion: &Assertion,
    recipient: &str,
    name_qualifier: &str,
    account: &str,
    provider_name: &str,
) -> Vec<(String, ContextValue)> {
    let single = |value: &str| ContextValue::Single(value.to_owned());
    let mut keys = vec![
        ("saml:aud".to_owned(), single(recipient)),
        ("saml:iss".to_owned(), single(&assertion.issuer)),
        ("saml:namequalifier".to_owned(), single(name_qualifier)),
        (
            "saml:doc".to_owned(),
            single(&format!("{account}/{provider_name}")),
        ),
    ];
    if let Some(subject) = &assertion.name_id {
        keys.push(("saml:sub".to_owned(), single(subject)));
    }
    if let Some(format) = &assertion.name_id_format {
        keys.push(("saml:sub_type".to_owned(), single(&subject_type(format))));
    }
    for (attribute, key) in ATTRIBUTE_KEYS {
        if assertion.has(attribute) {
            let values = assertion
                .values(attribute)
                .into_iter()
                .map(str::to_owned)
                .collect();
            keys.push(((*key).to_owned(), ContextValue::Multi(values)));
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::{is_sign_in_endpoint, name_qualifier, subject_type};

    #[test]
    fn the_name_qualifier_follows_aws_pseudocode() {
        assert_eq!(
            name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP"),
            "1uAJanUnBc2XeUkHURMht+xam2c="
        );
    }

    #[test]
    fn sign_in_endpoints() {
        assert!(is_sign_in_endpoint(
            "https://signin.aws.amazon.com/saml",
            "aws"
        ));
        assert!(is_sign_in_endpoint(
            "https://eu-west-1.signin.aws.amazon.com/saml",
            "aws"
        ));
        assert!(is_sign_in_endpoint(
            "https://signin.aws.amazon.com/static/saml",
            "aws"
        ));
        assert!(!is_sign_in_endpoint("https://evil.example/saml", "aws"));
        assert!(!is_sign_in_endpoint(
            "https://x.evil/.signin.aws.amazon.com/saml",
            "aws"
        ));
        assert!(!is_sign_in_endpoint(
            "http://signin.aws.amazon.com/saml",
            "aws"
        ));
    }

    #[test]
    fn subject_types_drop_the_standard_prefix() {
        assert_eq!(
            subject_type("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"),
            "persistent"
        );
        assert_eq!(
            subject_type("urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"),
            "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
        );
    }
}
