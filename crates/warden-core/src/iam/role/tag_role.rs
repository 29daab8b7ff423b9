//! TagRole, UntagRole, ListRoleTags. A role's tags become its sessions'
//! `aws:PrincipalTag/…` keys, so changing them refreshes the role in the snapshot.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListRoleTagsRequest, ListRoleTagsResponse, TagRoleRequest, UntagRoleRequest,
};

use super::find_role;
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for TagRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "Role")?;
        Ok(Access::Check {
            resources: vec![ctx.role_arn(&self.role_name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write(Principal::Role(self.role_name.clone()), |tx| {
            tx.roles().tag(account, &self.role_name, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![ctx.role_arn(&self.role_name)],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::Role(self.role_name.clone()), |tx| {
            tx.roles().untag(account, &self.role_name, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListRoleTagsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListRoleTagsResponse, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let tags = tag_shapes(&role.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListRoleTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
