//! TagUser, UntagUser, ListUserTags. A user's tags are also its `aws:PrincipalTag/…` keys, so
//! changing them refreshes the user in the snapshot.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListUserTagsRequest, ListUserTagsResponse, TagUserRequest, UntagUserRequest,
};

use super::find_user;
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for TagUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "User")?;
        Ok(Access::Check {
            resources: vec![ctx.user_arn(&self.user_name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write(Principal::User(self.user_name.clone()), |tx| {
            tx.users().tag(account, &self.user_name, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![ctx.user_arn(&self.user_name)],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::User(self.user_name.clone()), |tx| {
            tx.users().untag(account, &self.user_name, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListUserTagsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListUserTagsResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let tags = tag_shapes(&user.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListUserTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
