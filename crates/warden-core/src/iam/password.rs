//! Console passwords: the account's password policy (`policy.rs`), users' login profiles
//! (`login_profile.rs`) and ChangePassword (`change_password.rs`). Passwords are kept only
//! as argon2id hashes, sealed at rest; they never reach a log or an audit record (the
//! model marks them sensitive).

mod change_password;
mod login_profile;
mod policy;

pub(crate) use policy::{DeleteAccountPasswordPolicy, GetAccountPasswordPolicy};

use warden_crypto::password;
use warden_store::PasswordPolicyRecord;

use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// How many earlier passwords are remembered: AWS's largest `PasswordReusePrevention`.
const PASSWORD_HISTORY: usize = 24;

/// What the sealed hashes are bound to (the sealer's associated data).
const HASH_PURPOSE: &[u8] = b"warden/iam/login-profile/password-hash";

/// The argon2id hash of `password`, sealed for storage.
fn sealed_hash(ctx: &Ctx<'_>, password: &str) -> Result<Vec<u8>, ServiceError> {
    let phc = password::hash(password, ctx.warden.rng.as_ref())
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
    ctx.warden
        .sealer
        .seal(phc.as_bytes(), HASH_PURPOSE)
        .map_err(|error| ServiceError::Internal(error.to_string()))
}

/// Whether `password` matches a sealed hash (a hash that cannot be opened matches nothing).
fn matches(ctx: &Ctx<'_>, password: &str, sealed: &[u8]) -> bool {
    let Ok(phc) = ctx.warden.sealer.open(sealed, HASH_PURPOSE) else {
        return false;
    };
    std::str::from_utf8(&phc).is_ok_and(|phc| password::verify(password, phc))
}

/// The account's password policy, if it has one.
fn account_policy(call: &Authorized<'_, '_>) -> Result<Option<PasswordPolicyRecord>, ServiceError> {
    Ok(call.read(|tx| tx.password_policies().get(call.ctx.account()))?)
}
