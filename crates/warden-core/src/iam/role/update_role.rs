//! UpdateRole (description, maximum session duration), UpdateRoleDescription,
//! UpdateAssumeRolePolicy (the trust policy, validated and normalized as on creation).

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    UpdateAssumeRolePolicyRequest, UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse,
    UpdateRoleRequest, UpdateRoleResponse,
};
use warden_store::RoleUpdate;

use super::{find_role, role_shape, trust};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for UpdateRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<UpdateRoleResponse, ServiceError> {
        let update = RoleUpdate {
            description: self.description,
            max_session_duration: self.max_session_duration,
        };
        update_role(call, &self.role_name, &update)?;
        Ok(UpdateRoleResponse {})
    }
}

impl Handle for UpdateRoleDescriptionRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UpdateRoleDescriptionResponse, ServiceError> {
        let update = RoleUpdate {
            description: Some(self.description),
            max_session_duration: None,
        };
        let role = update_role(call, &self.role_name, &update)?;
        Ok(UpdateRoleDescriptionResponse {
            role: Some(role_shape(&role, &call.ctx.warden.snapshot())),
        })
    }
}

impl Handle for UpdateAssumeRolePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        super::check_modifiable(&role)?;
        let trust = trust::stored(call, &self.policy_document)?;
        let account = call.ctx.account();
        call.write(Principal::Role(role.role_name.clone()), |tx| {
            tx.roles()
                .set_trust_policy(account, &role.role_name, &trust)
        })?;
        Ok(NoOutput)
    }
}

fn update_role(
    call: &mut Authorized<'_, '_>,
    role_name: &str,
    update: &RoleUpdate,
) -> Result<warden_store::RoleRecord, ServiceError> {
    let role = find_role(call, role_name)?;
    let account = call.ctx.account();
    call.write(Principal::Role(role.role_name.clone()), |tx| {
        tx.roles().update(account, &role.role_name, update)
    })
}
