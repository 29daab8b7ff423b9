//! CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile: a user's
//! console password, checked against the account's password policy (and, on update, its
//! reuse prevention) and stored only as a sealed argon2id hash.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreateLoginProfileRequest, CreateLoginProfileResponse, DeleteLoginProfileRequest,
    GetLoginProfileRequest, GetLoginProfileResponse, LoginProfile, UpdateLoginProfileRequest,
};
use warden_store::{LoginProfileRecord, PasswordPolicyRecord};

use super::{account_policy, matches, policy, sealed_hash};
use crate::iam::user::{find_target_user, find_user};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for CreateLoginProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateLoginProfileResponse, ServiceError> {
        let user = find_target_user(call, self.user_name)?;
        let password = self
            .password
            .ok_or_else(|| ServiceError::InvalidInput("Password is required.".to_owned()))?;
        policy::check(account_policy(call)?.as_ref(), &password)?;
        let now = call.ctx.warden.now().as_millisecond();
        let record = LoginProfileRecord {
            account_id: call.ctx.account().to_owned(),
            user_name: user.user_name,
            password_hash_sealed: sealed_hash(call.ctx, &password)?,
            previous_hashes_sealed: Vec::new(),
            password_reset_required: self.password_reset_required.unwrap_or(false),
            create_date: now,
            password_last_changed: now,
            password_last_used: None,
        };
        call.write_outside_snapshot(|tx| tx.login_profiles().create(&record))?;
        Ok(CreateLoginProfileResponse {
            login_profile: shape(&record),
        })
    }
}

impl Handle for GetLoginProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetLoginProfileResponse, ServiceError> {
        let profile = find_profile(call, &call.ctx.target_user(self.user_name)?)?;
        Ok(GetLoginProfileResponse {
            login_profile: shape(&profile),
        })
    }
}

impl Handle for UpdateLoginProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let mut profile = find_profile(call, &self.user_name)?;
        if let Some(password) = &self.password {
            let rules = account_policy(call)?;
            set_password(call.ctx, rules.as_ref(), &mut profile, password)?;
        }
        if let Some(reset) = self.password_reset_required {
            profile.password_reset_required = reset;
        }
        call.write_outside_snapshot(|tx| tx.login_profiles().update(&profile))?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteLoginProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let profile = find_profile(call, &call.ctx.target_user(self.user_name)?)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| tx.login_profiles().delete(account, &profile.user_name))?;
        Ok(NoOutput)
    }
}

/// The user's login profile; NoSuchEntity (AWS's wording) for a missing user or profile.
pub(super) fn find_profile(
    call: &Authorized<'_, '_>,
    user_name: &str,
) -> Result<LoginProfileRecord, ServiceError> {
    let user = find_user(call, user_name)?;
    call.read(|tx| tx.login_profiles().get(call.ctx.account(), &user.user_name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "Login Profile for User {} cannot be found.",
                user.user_name
            ))
        })
}

/// Replaces the profile's password with `password`: checked against the policy's rules and
/// its reuse prevention (the current and remembered passwords), the old hash remembered.
pub(super) fn set_password(
    ctx: &Ctx<'_>,
    rules: Option<&PasswordPolicyRecord>,
    profile: &mut LoginProfileRecord,
    password: &str,
) -> Result<(), ServiceError> {
    policy::check(rules, password)?;
    let remembered = rules
        .and_then(|rules| rules.password_reuse_prevention)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    if remembered > 0 {
        let earlier = std::iter::once(&profile.password_hash_sealed)
            .chain(&profile.previous_hashes_sealed)
            .take(remembered);
        for sealed in earlier {
            if matches(ctx, password, sealed) {
                return Err(ServiceError::modeled(
                    &warden_protocol::iam::errors::PASSWORD_POLICY_VIOLATION,
                    format!("Password has been used in the last {remembered} passwords"),
                ));
            }
        }
    }
    let old = std::mem::replace(
        &mut profile.password_hash_sealed,
        sealed_hash(ctx, password)?,
    );
    profile.previous_hashes_sealed.insert(0, old);
    profile
        .previous_hashes_sealed
        .truncate(super::PASSWORD_HISTORY);
    profile.password_last_changed = ctx.warden.now().as_millisecond();
    Ok(())
}

/// A login profile as the API shows it.
fn shape(profile: &LoginProfileRecord) -> LoginProfile {
    LoginProfile {
        user_name: profile.user_name.clone(),
        create_date: timestamp(profile.create_date),
        password_reset_required: Some(profile.password_reset_required),
    }
}
