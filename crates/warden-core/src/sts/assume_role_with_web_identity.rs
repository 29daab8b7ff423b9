//! AssumeRoleWithWebIdentity: a role session for a user an OpenID Connect provider vouches
//! for. The call is unsigned — the ID token is the credential ([`super::web_identity`]) —
//! so there is no caller: the token's issuer must be an IAM OIDC provider of the role's
//! account, and the role's trust policy alone decides, for `Federated: <provider ARN>`,
//! over the `<provider>:aud`, `:sub` and `:amr` keys the token fills. The session is an
//! AssumeRole session in every later call.

use warden_policy::{ArnParts, ContextValue};
use warden_protocol::iam::arn as iam_arn;
use warden_protocol::sts::{
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, errors,
};
use warden_protocol::{Arn, OperationShape as _};

use super::session::{NewSession, issue_in};
use super::web_identity::{self, VerifiedToken};
use super::{role_session, session_policies};
use crate::authorize::{Permission, authorize_federated};
use crate::operation::Ran;
use crate::session_token::TokenPrincipal;
use crate::{FederatedIdentity, FederationKind, RequestFacts, ServiceError, Warden};

/// AWS's refusal when the role does not exist or its trust policy does not allow.
fn not_authorized() -> ServiceError {
    ServiceError::AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity".to_owned())
}

/// Runs the call: verify the token, decide over the trust policy, issue the session.
pub(super) fn run(
    warden: &Warden,
    facts: &RequestFacts,
    request: &AssumeRoleWithWebIdentityRequest,
) -> Ran {
    let role = Arn {
        resource_type: &iam_arn::ROLE,
        value: request.role_arn.clone(),
    };
    let mut federated = None;
    let result = assume(warden, facts, request, &mut federated)
        .map(|output| Some(Box::new(output) as crate::Output));
    Ran {
        result,
        resources: vec![role],
        federated,
    }
}

/// The role's account and name, from its ARN.
fn role_of(role_arn: &str) -> Result<(String, Option<String>), ServiceError> {
    let parts = ArnParts::parse(role_arn)
        .filter(|parts| !parts.resource.is_empty())
        .ok_or_else(|| ServiceError::Validation(format!("{role_arn} is invalid")))?;
    let name = (parts.service == "iam")
        .then(|| parts.resource.strip_prefix("role/"))
        .flatten()
        .and_then(|rest| rest.rsplit('/').next())
        .map(str::to_owned);
    Ok((parts.account.to_owned(), name))
}

fn assume(
    warden: &Warden,
    facts: &RequestFacts,
    request: &AssumeRoleWithWebIdentityRequest,
    federated: &mut Option<FederatedIdentity>,
) -> Result<AssumeRoleWithWebIdentityResponse, ServiceError> {
    if let Some(provider) = &request.provider_id {
        return Err(ServiceError::modeled(
            &errors::IDP_REJECTED_CLAIM,
            format!(
                "Warden verifies OpenID Connect ID tokens only; OAuth 2.0 access tokens of {provider} are not accepted."
            ),
        ));
    }
    let (account, role_name) = role_of(&request.role_arn)?;
    let verified = web_identity::verify(warden, &account, &request.web_identity_token)?;
    let provider_arn =
        iam_arn::oidc_provider(warden.partition(), &account, &verified.provider.url).value;
    *federated = Some(FederatedIdentity {
        kind: FederationKind::WebIdentity,
        principal_id: format!("{provider_arn}:{}:{}", verified.audience, verified.subject),
        user_name: verified.subject.clone(),
        identity_provider: provider_arn.clone(),
        account_id: account.clone(),
    });
    if verified.claims.tags.is_some() {
        return Err(ServiceError::InvalidParameterValue(
            "Session tags are not supported by Warden yet.".to_owned(),
        ));
    }
    let snapshot = warden.snapshot();
    let role = role_name
        .and_then(|name| snapshot.role(&account, &name))
        .filter(|role| role.arn == request.role_arn)
        .ok_or_else(not_authorized)?;
    let trust = role.trust.as_ref().map_err(|_| not_authorized())?;
    let source_identity = verified.claims.source_identity.clone();
    let keys = trust_keys(
        &verified,
        &provider_arn,
        request,
        source_identity.as_deref(),
    );
    let actions = AssumeRoleWithWebIdentityRequest::INFO
        .actions
        .iter()
        .copied()
        .chain(source_identity.is_some().then_some("sts:SetSourceIdentity"));
    for action in actions {
        authorize_federated(
            &provider_arn,
            facts,
            Permission {
                action: action.to_owned(),
                resource: role.arn.clone(),
                resource_account: account.clone(),
                keys: keys.clone(),
            },
            trust,
        )
        .map_err(|()| not_authorized())?;
    }
    let duration = role_session::duration(role, request.duration_seconds, false)?;
    let policy_arns = session_policies::session_policies(
        request.policy.as_deref(),
        request.policy_arns.as_deref(),
    )?;
    let packed = session_policies::packed_size(
        request.policy.as_deref(),
        &policy_arns,
        &super::session_tags::SessionTags::default(),
    )?;
    let credentials = issue_in(
        warden,
        &account,
        NewSession {
            principal: TokenPrincipal::Role {
                name: crate::ctx::name_in_arn(&role.arn),
                id: role.role_id.clone(),
                arn: role.arn.clone(),
                session: request.role_session_name.clone(),
            },
            duration_seconds: i64::from(duration),
            mfa_at: None,
            policy: request.policy.clone(),
            policy_arns,
            source_identity: source_identity.clone(),
            from_get_session_token: false,
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
        },
    )?;
    Ok(AssumeRoleWithWebIdentityResponse {
        credentials: Some(credentials),
        subject_from_web_identity_token: Some(verified.subject),
        assumed_role_user: Some(role_session::assumed_role_user(
            warden.partition(),
            &account,
            role,
            &request.role_session_name,
        )),
        packed_policy_size: packed,
        provider: Some(provider_arn),
        audience: Some(verified.audience),
        source_identity,
        ..AssumeRoleWithWebIdentityResponse::default()
    })
}

/// The condition keys the trust policy is evaluated with: the token's, the session name
/// and the source identity.
fn trust_keys(
    verified: &VerifiedToken,
    provider_arn: &str,
    request: &AssumeRoleWithWebIdentityRequest,
    source_identity: Option<&str>,
) -> Vec<(String, ContextValue)> {
    let mut keys = web_identity::condition_keys(verified, provider_arn);
    keys.push((
        "sts:RoleSessionName".to_owned(),
        ContextValue::Single(request.role_session_name.clone()),
    ));
    if let Some(source) = source_identity {
        keys.push((
            "sts:SourceIdentity".to_owned(),
            ContextValue::Single(source.to_owned()),
        ));
    }
    keys
}
