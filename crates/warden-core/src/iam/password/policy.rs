//! GetAccountPasswordPolicy, UpdateAccountPasswordPolicy, DeleteAccountPasswordPolicy, and
//! the rules a new password must meet: the account's policy, or AWS's default policy when
//! the account has none (at least 8 characters and 3 of the 4 character classes).

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    GetAccountPasswordPolicyResponse, PasswordPolicy, UpdateAccountPasswordPolicyRequest,
    operations,
};
use warden_store::PasswordPolicyRecord;

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

crate::operation::no_input!(
    /// GetAccountPasswordPolicy's (absent) input.
    GetAccountPasswordPolicy,
    operations::GET_ACCOUNT_PASSWORD_POLICY,
    GetAccountPasswordPolicyResponse
);
crate::operation::no_input!(
    /// DeleteAccountPasswordPolicy's (absent) input.
    DeleteAccountPasswordPolicy,
    operations::DELETE_ACCOUNT_PASSWORD_POLICY,
    NoOutput
);

/// The symbols AWS counts for `RequireSymbols`.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

impl Handle for GetAccountPasswordPolicy {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetAccountPasswordPolicyResponse, ServiceError> {
        let policy = super::account_policy(call)?.ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "The Password Policy with domain name {} cannot be found.",
                call.ctx.account()
            ))
        })?;
        Ok(GetAccountPasswordPolicyResponse {
            password_policy: shape(&policy),
        })
    }
}

impl Handle for UpdateAccountPasswordPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    /// No partial updates: an omitted member takes its default, as in AWS.
    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = PasswordPolicyRecord {
            account_id: call.ctx.account().to_owned(),
            minimum_password_length: self.minimum_password_length.unwrap_or(6),
            require_symbols: self.require_symbols.unwrap_or(false),
            require_numbers: self.require_numbers.unwrap_or(false),
            require_uppercase_characters: self.require_uppercase_characters.unwrap_or(false),
            require_lowercase_characters: self.require_lowercase_characters.unwrap_or(false),
            allow_users_to_change_password: self.allow_users_to_change_password.unwrap_or(false),
            max_password_age: self.max_password_age.filter(|days| *days > 0),
            password_reuse_prevention: self.password_reuse_prevention.filter(|n| *n > 0),
            hard_expiry: self.hard_expiry.unwrap_or(false),
        };
        call.write_outside_snapshot(|tx| tx.password_policies().put(&record))?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteAccountPasswordPolicy {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| tx.password_policies().delete(account))?;
        Ok(NoOutput)
    }
}

/// The policy as GetAccountPasswordPolicy shows it.
fn shape(policy: &PasswordPolicyRecord) -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: Some(policy.minimum_password_length),
        require_symbols: Some(policy.require_symbols),
        require_numbers: Some(policy.require_numbers),
        require_uppercase_characters: Some(policy.require_uppercase_characters),
        require_lowercase_characters: Some(policy.require_lowercase_characters),
        allow_users_to_change_password: Some(policy.allow_users_to_change_password),
        expire_passwords: Some(policy.max_password_age.is_some()),
        max_password_age: policy.max_password_age,
        password_reuse_prevention: policy.password_reuse_prevention,
        hard_expiry: policy.hard_expiry.then_some(true),
    }
}

/// Checks a new password against the account's policy (`None`: AWS's default policy);
/// the first rule it breaks is AWS's `PasswordPolicyViolation`.
pub(super) fn check(
    policy: Option<&PasswordPolicyRecord>,
    password: &str,
) -> Result<(), ServiceError> {
    let length = password.chars().count();
    let has_lower = password.chars().any(|c| c.is_ascii_lowercase());
    let has_upper = password.chars().any(|c| c.is_ascii_uppercase());
    let has_number = password.chars().any(|c| c.is_ascii_digit());
    let has_symbol = password.chars().any(|c| SYMBOLS.contains(c));
    let violation = |message: String| {
        Err(ServiceError::modeled(
            &warden_protocol::iam::errors::PASSWORD_POLICY_VIOLATION,
            message,
        ))
    };
    let Some(policy) = policy else {
        if length < 8 {
            return violation("Password should have a minimum length of 8".to_owned());
        }
        let classes = [has_lower, has_upper, has_number, has_symbol]
            .iter()
            .filter(|present| **present)
            .count();
        if classes < 3 {
            return violation(
                "Password should include at least three of the following: uppercase letters, lowercase letters, numbers and symbols".to_owned(),
            );
        }
        return Ok(());
    };
    let minimum = usize::try_from(policy.minimum_password_length).unwrap_or(6);
    if length < minimum {
        return violation(format!(
            "Password should have a minimum length of {minimum}"
        ));
    }
    let classes = [
        (
            policy.require_lowercase_characters,
            has_lower,
            "lowercase letter",
        ),
        (
            policy.require_uppercase_characters,
            has_upper,
            "uppercase letter",
        ),
        (policy.require_numbers, has_number, "number"),
        (policy.require_symbols, has_symbol, "symbol"),
    ];
    for (required, present, what) in classes {
        if required && !present {
            return violation(format!("Password should have at least one {what}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use warden_store::PasswordPolicyRecord;

    use super::check;

    fn strict() -> PasswordPolicyRecord {
        PasswordPolicyRecord {
            account_id: "111122223333".to_owned(),
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            hard_expiry: false,
        }
    }

    #[test]
    fn each_rule_is_enforced_with_its_message() {
        let policy = strict();
        let message = |password: &str| match check(Some(&policy), password) {
            Err(error) => error.to_string(),
            Ok(()) => "ok".to_owned(),
        };
        assert!(message("Short1!").contains("minimum length of 14"));
        assert!(message("ALLUPPERCASE123!").contains("lowercase letter"));
        assert!(message("alllowercase123!").contains("uppercase letter"));
        assert!(message("NoNumbersHere!!").contains("number"));
        assert!(message("NoSymbolsHere123").contains("symbol"));
        assert_eq!(message("Str0ng-Passw0rd!"), "ok");
    }

    #[test]
    fn without_a_policy_the_default_applies() {
        assert!(check(None, "Ab1!").is_err());
        assert!(check(None, "alllowercase").is_err());
        assert!(check(None, "lowerUPPER123").is_ok());
    }
}
