//! CreatePolicy: a customer managed policy whose version 1 is the default.

use warden_protocol::iam::{CreatePolicyRequest, CreatePolicyResponse};
use warden_store::ManagedPolicyRecord;

use super::{Found, check_document, new_policy_arn, policy_shape};
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for CreatePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, "Policy")?;
        let path = self.path.as_deref().unwrap_or("/");
        Ok(Access::Check {
            resources: vec![new_policy_arn(ctx, path, &self.policy_name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreatePolicyResponse, ServiceError> {
        check_document(&self.policy_document)?;
        let ctx = call.ctx;
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let now = ctx.warden.now().as_millisecond();
        let record = ManagedPolicyRecord {
            account_id: ctx.account().to_owned(),
            arn: new_policy_arn(ctx, &path, &self.policy_name).value,
            policy_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::ManagedPolicy,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            policy_name: self.policy_name,
            path,
            description: self.description,
            default_version: 1,
            create_date: now,
            update_date: now,
            tags: tag_pairs(self.tags.as_deref()),
        };
        call.write(Principal::ManagedPolicy(record.arn.clone()), |tx| {
            tx.managed_policies().create(&record, &self.policy_document)
        })?;
        let mut policy = policy_shape(call, &Found::Customer(record))?;
        // CreatePolicy never returns the description, as AWS does.
        policy.description = None;
        Ok(CreatePolicyResponse {
            policy: Some(policy),
        })
    }
}
