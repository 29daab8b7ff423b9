//! PutUserPolicy: add or replace an inline policy, within the user's size quota. The quota
//! check and the write run in the operation's one write transaction (writes run one at a
//! time), so concurrent puts cannot both pass the check.

use warden_policy::limits::USER_INLINE as USER_POLICY_SIZE_QUOTA;
use warden_policy::{Policy, PolicyKind, size_without_whitespace};
use warden_protocol::NoOutput;
use warden_protocol::iam::PutUserPolicyRequest;
use warden_store::UserPolicyRecord;

use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for PutUserPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        Policy::parse(
            self.policy_name.clone(),
            &self.policy_document,
            PolicyKind::Identity,
        )
        .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
        let others: usize = call
            .read(|tx| tx.user_policies().list(call.ctx.account(), &user.user_name))?
            .iter()
            .filter(|p| !p.policy_name.eq_ignore_ascii_case(&self.policy_name))
            .map(|p| size_without_whitespace(&p.document))
            .sum();
        if others + size_without_whitespace(&self.policy_document) > USER_POLICY_SIZE_QUOTA {
            return Err(ServiceError::LimitExceeded(format!(
                "Maximum policy size of {USER_POLICY_SIZE_QUOTA} bytes exceeded for user {}",
                user.user_name
            )));
        }
        let record = UserPolicyRecord {
            account_id: call.ctx.account().to_owned(),
            user_name: user.user_name,
            policy_name: self.policy_name,
            document: self.policy_document,
        };
        call.write(Principal::User(record.user_name.clone()), |tx| {
            tx.user_policies().put(&record)
        })?;
        Ok(NoOutput)
    }
}
