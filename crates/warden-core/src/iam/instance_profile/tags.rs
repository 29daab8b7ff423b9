//! TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListInstanceProfileTagsRequest, ListInstanceProfileTagsResponse, TagInstanceProfileRequest,
    UntagInstanceProfileRequest,
};

use super::{find_profile, profile_arn};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for TagInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "InstanceProfile")?;
        Ok(Access::Check {
            resources: vec![profile_arn(ctx, &self.instance_profile_name)?],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| {
            tx.instance_profiles()
                .tag(account, &self.instance_profile_name, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![profile_arn(ctx, &self.instance_profile_name)?],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.instance_profiles()
                .untag(account, &self.instance_profile_name, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListInstanceProfileTagsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(profile_arn(ctx, &self.instance_profile_name)?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListInstanceProfileTagsResponse, ServiceError> {
        let profile = find_profile(call, &self.instance_profile_name)?;
        let tags = tag_shapes(&profile.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListInstanceProfileTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
