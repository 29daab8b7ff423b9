//! KMS: keys (`key/`: CreateKey … ScheduleKeyDeletion, tags, rotation), aliases
//! (`alias.rs`), key policies (`policy.rs`), cryptography (`crypto/`) and grants
//! (`grant.rs`), each operation implementing [`crate::operation::Handle`]; [`call`]
//! dispatches to the runner.
//!
//! Key material lives only in the store, sealed under the data key for secrets at rest with
//! the key's id and material id as associated data (`material.rs`), and is opened for one
//! call at a time into zeroizing buffers. Every key operation is authorized over the key's
//! key policy together with the caller's IAM policies (`Access::Keys`, see
//! `authorize::authorize_with_key_policy`), and grants (`grant.rs`).

mod alias;
mod conditions;
mod crypto;
mod grant;
mod key;
mod material;
mod policy;
mod resolve;

use warden_protocol::kms::Operation;

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError};

served!(kms:
    CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, ScheduleKeyDeletion,
    CancelKeyDeletion, UpdateKeyDescription, TagResource, UntagResource, ListResourceTags,
    CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
    GetKeyPolicy, PutKeyPolicy, ListKeyPolicies,
    Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext,
    GenerateRandom, Sign, Verify, GetPublicKey, GenerateMac, VerifyMac,
    GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext,
    EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
    ListKeyRotations,
    CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant,
);

/// Run one KMS operation for `caller`: AccessDenied, the operation's result or its modeled
/// error, or `UnknownOperationException` for operations Warden does not serve.
pub fn call(
    warden: &crate::Warden,
    caller: &Caller,
    facts: &RequestFacts,
    operation: Operation,
) -> Ran {
    let ctx = Ctx::new(warden, caller, facts);
    dispatch(&ctx, operation).unwrap_or_else(|_| Ran::failed(ServiceError::UnknownOperation))
}
