//! STS operations. [`call`] dispatches a decoded operation to its handler.

use warden_protocol::sts::{
    GetAccessKeyInfoRequest, GetAccessKeyInfoResponse, GetCallerIdentityResponse, Operation,
};

use crate::{Caller, Output, Permission, RequestFacts, ServiceError, Warden, authorize};

/// Run one STS operation. `caller` is `None` only for the operations the model marks as
/// unauthenticated (the federation calls, which are not served yet).
///
/// # Errors
///
/// AccessDenied, the operation's modeled errors, or `OperationNotServed`.
pub fn call(
    warden: &Warden,
    caller: Option<&Caller>,
    facts: &RequestFacts,
    operation: Operation,
) -> Result<Option<Output>, ServiceError> {
    match (operation, caller) {
        // Documented: GetCallerIdentity needs no permission and cannot be denied.
        (Operation::GetCallerIdentity(_), Some(caller)) => {
            Ok(Some(Box::new(GetCallerIdentityResponse {
                user_id: Some(caller.user_id().to_owned()),
                account: Some(caller.account_id.clone()),
                arn: Some(caller.arn.clone()),
            })))
        }
        (Operation::GetAccessKeyInfo(input), Some(caller)) => {
            get_access_key_info(warden, caller, facts, &input)
        }
        (other, _) => Err(ServiceError::OperationNotServed {
            operation: other.name(),
            api_version: warden_protocol::sts::META.api_version,
        }),
    }
}

/// The account that owns an access key id: from the snapshot when Warden knows the key,
/// otherwise decoded from the id itself, as AWS does.
fn get_access_key_info(
    warden: &Warden,
    caller: &Caller,
    facts: &RequestFacts,
    input: &GetAccessKeyInfoRequest,
) -> Result<Option<Output>, ServiceError> {
    let snapshot = warden.snapshot();
    authorize(
        &snapshot,
        caller,
        facts,
        Permission {
            action: "sts:GetAccessKeyInfo".to_owned(),
            resource: "*".to_owned(),
            resource_account: caller.account_id.clone(),
            keys: Vec::new(),
        },
    )?;
    let account = snapshot
        .key(&input.access_key_id)
        .map(|key| key.caller.account_id.clone())
        .or_else(|| warden_crypto::credentials::account_id_from_access_key_id(&input.access_key_id))
        .ok_or_else(|| {
            ServiceError::InvalidParameterValue(format!(
                "The access key ID {} is not valid.",
                input.access_key_id
            ))
        })?;
    Ok(Some(Box::new(GetAccessKeyInfoResponse {
        account: Some(account),
    })))
}
