//! STS operations, one file each; [`call`] dispatches to the runner.

mod assume_role;
mod assume_role_with_saml;
mod assume_role_with_web_identity;
mod decode_authorization_message;
mod get_access_key_info;
mod get_caller_identity;
mod get_federation_token;
mod get_session_token;
mod get_web_identity_token;
mod issuer_keys;
mod outbound;
mod role_session;
mod saml;
mod session;
mod session_policies;
mod session_tags;
mod token_keys;
mod web_identity;

pub(crate) use issuer_keys::IssuerKeys;
pub use issuer_keys::{FetchError, KeySetFetcher};
pub(crate) use outbound::issuer_url;
pub use outbound::{ISSUER_PATH, discovery_document, key_set_document};
pub(crate) use token_keys::{TokenKeys, load_or_create as load_token_keys};

use warden_protocol::sts::{META, Operation};

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError, SessionOrigin, Warden};

served!(
    sts: GetCallerIdentity,
    GetAccessKeyInfo,
    AssumeRole,
    GetSessionToken,
    GetFederationToken,
    DecodeAuthorizationMessage,
    GetWebIdentityToken;
    federated: AssumeRoleWithWebIdentity, AssumeRoleWithSAML
);

/// Run one STS operation. `caller` is `None` only for the operations the model marks as
/// unauthenticated (the federation calls, whose credential is in their input).
pub fn call(
    warden: &Warden,
    caller: Option<&Caller>,
    facts: &RequestFacts,
    operation: Operation,
) -> Ran {
    let not_served = |operation: &'static str| {
        Ran::failed(ServiceError::OperationNotServed {
            operation,
            api_version: META.api_version,
        })
    };
    match caller {
        Some(caller) => {
            if let Some(refused) = refused_for_session(caller, operation.name()) {
                return Ran::failed(refused);
            }
            dispatch(&Ctx::new(warden, caller, facts), operation).unwrap_or_else(not_served)
        }
        None => match operation {
            Operation::AssumeRoleWithWebIdentity(input) => {
                assume_role_with_web_identity::run(warden, facts, &input)
            }
            Operation::AssumeRoleWithSAML(input) => {
                assume_role_with_saml::call(warden, facts, &input)
            }
            other => not_served(other.name()),
        },
    }
}

/// What AWS answers a session whose kind may not call `operation` at all, before any policy
/// is read: GetSessionToken's credentials may call only AssumeRole and GetCallerIdentity,
/// a federated user's only GetCallerIdentity (the GetSessionToken and GetFederationToken
/// API references).
fn refused_for_session(caller: &Caller, operation: &str) -> Option<ServiceError> {
    let allowed: &[&str] = match caller.session.as_ref()?.origin {
        SessionOrigin::GetSessionToken => &["AssumeRole", "GetCallerIdentity"],
        SessionOrigin::GetFederationToken => &["GetCallerIdentity"],
        SessionOrigin::AssumeRole => return None,
    };
    (!allowed.contains(&operation)).then(|| {
        ServiceError::AccessDenied(format!("Cannot call {operation} with session credentials"))
    })
}
