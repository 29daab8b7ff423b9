//! Inline role policies: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy,
//! each authorized on the role's ARN (the 10,240-character aggregate quota of roles).

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteRolePolicyRequest, GetRolePolicyRequest, GetRolePolicyResponse, ListRolePoliciesRequest,
    ListRolePoliciesResponse, PutRolePolicyRequest,
};

use crate::iam::inline_policy::{self, Holder};
use crate::iam::role::{check_modifiable, find_role};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for PutRolePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        check_modifiable(&role)?;
        inline_policy::put(
            call,
            Holder::Role,
            &role.role_name,
            self.policy_name,
            self.policy_document,
        )?;
        Ok(NoOutput)
    }
}

impl Handle for GetRolePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetRolePolicyResponse, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let policy = inline_policy::get(call, Holder::Role, &role.role_name, &self.policy_name)?;
        Ok(GetRolePolicyResponse {
            role_name: role.role_name,
            policy_name: policy.policy_name,
            policy_document: policy.document,
        })
    }
}

impl Handle for ListRolePoliciesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListRolePoliciesResponse, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let (policy_names, marker) = inline_policy::list_names(
            call,
            Holder::Role,
            &role.role_name,
            self.marker.as_deref(),
            self.max_items,
        )?;
        Ok(ListRolePoliciesResponse {
            policy_names,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for DeleteRolePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        inline_policy::delete(call, Holder::Role, &self.role_name, &self.policy_name)?;
        Ok(NoOutput)
    }
}
