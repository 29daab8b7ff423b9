//! Inline group policies: PutGroupPolicy, GetGroupPolicy, ListGroupPolicies,
//! DeleteGroupPolicy, each authorized on the group's ARN. They apply to every member; a
//! change refreshes the group's snapshot entry, which members' decisions read.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteGroupPolicyRequest, GetGroupPolicyRequest, GetGroupPolicyResponse,
    ListGroupPoliciesRequest, ListGroupPoliciesResponse, PutGroupPolicyRequest,
};

use crate::iam::group::find_group;
use crate::iam::inline_policy::{self, Holder};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for PutGroupPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let group = find_group(call, &self.group_name)?;
        inline_policy::put(
            call,
            Holder::Group,
            &group.group_name,
            self.policy_name,
            self.policy_document,
        )?;
        Ok(NoOutput)
    }
}

impl Handle for GetGroupPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetGroupPolicyResponse, ServiceError> {
        let group = find_group(call, &self.group_name)?;
        let policy = inline_policy::get(call, Holder::Group, &group.group_name, &self.policy_name)?;
        Ok(GetGroupPolicyResponse {
            group_name: group.group_name,
            policy_name: policy.policy_name,
            policy_document: policy.document,
        })
    }
}

impl Handle for ListGroupPoliciesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListGroupPoliciesResponse, ServiceError> {
        let group = find_group(call, &self.group_name)?;
        let (policy_names, marker) = inline_policy::list_names(
            call,
            Holder::Group,
            &group.group_name,
            self.marker.as_deref(),
            self.max_items,
        )?;
        Ok(ListGroupPoliciesResponse {
            policy_names,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for DeleteGroupPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        inline_policy::delete(call, Holder::Group, &self.group_name, &self.policy_name)?;
        Ok(NoOutput)
    }
}
