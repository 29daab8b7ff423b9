//! TagPolicy, UntagPolicy, ListPolicyTags (customer managed policies).

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListPolicyTagsRequest, ListPolicyTagsResponse, TagPolicyRequest, UntagPolicyRequest,
};

use super::{Found, find, find_customer, policy_arn};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for TagPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "Policy")?;
        Ok(Access::Check {
            resources: vec![policy_arn(&self.policy_arn)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| tx.managed_policies().tag(&record.arn, &tags))?;
        Ok(NoOutput)
    }
}

impl Handle for UntagPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![policy_arn(&self.policy_arn)],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        call.write_outside_snapshot(|tx| tx.managed_policies().untag(&record.arn, &self.tag_keys))?;
        Ok(NoOutput)
    }
}

impl Handle for ListPolicyTagsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListPolicyTagsResponse, ServiceError> {
        // AWS managed policies carry no tags.
        let tags = match find(call, &self.policy_arn)? {
            Found::Customer(record) => tag_shapes(&record.tags).unwrap_or_default(),
            Found::Aws(_) => Vec::new(),
        };
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListPolicyTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
