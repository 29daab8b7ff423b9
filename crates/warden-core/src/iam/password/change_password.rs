//! ChangePassword: an IAM user changes its own console password, proving the old one.
//! Wrong old passwords are counted per user ([`crate::attempts`]): after a few, that user
//! alone waits before trying again.

use warden_protocol::NoOutput;
use warden_protocol::iam::ChangePasswordRequest;

use super::login_profile::{find_profile, set_password};
use super::{account_policy, matches};
use crate::operation::{Access, Authorized, Handle};
use warden_store::StoreExt;

use crate::{Ctx, ServiceError};

impl Handle for ChangePasswordRequest {
    /// With the password policy's `AllowUsersToChangePassword`, AWS lets every user change
    /// its own password without a policy (an explicit Deny still refuses it).
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let user = ctx.user_arn(caller_user(ctx)?);
        let allowed = ctx
            .warden
            .store()
            .read(|tx| tx.password_policies().get(ctx.account()))?
            .is_some_and(|policy| policy.allow_users_to_change_password);
        Ok(if allowed {
            Access::Granted(user)
        } else {
            Access::on(user)
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = caller_user(call.ctx)?;
        let subject = format!(
            "password/{}/{}",
            call.ctx.account(),
            user.to_ascii_lowercase()
        );
        let now = call.ctx.warden.now().as_millisecond();
        let attempts = &call.ctx.warden.attempts;
        attempts.check(&subject, now)?;
        let mut profile = find_profile(call, user)?;
        if !matches(call.ctx, &self.old_password, &profile.password_hash_sealed) {
            attempts.failed(&subject, now);
            return Err(ServiceError::AccessDenied(
                "The old password is incorrect.".to_owned(),
            ));
        }
        attempts.succeeded(&subject);
        let rules = account_policy(call)?;
        set_password(call.ctx, rules.as_ref(), &mut profile, &self.new_password)?;
        profile.password_reset_required = false;
        call.write_outside_snapshot(|tx| tx.login_profiles().update(&profile))?;
        Ok(NoOutput)
    }
}

/// The calling IAM user's name; the root user's password is not changed here
/// (`InvalidUserType`, as AWS answers).
fn caller_user<'c>(ctx: &'c Ctx<'_>) -> Result<&'c str, ServiceError> {
    ctx.caller.user_name().ok_or_else(|| {
        ServiceError::modeled(
            &warden_protocol::iam::errors::INVALID_USER_TYPE,
            "The root user's password cannot be changed with ChangePassword.",
        )
    })
}
