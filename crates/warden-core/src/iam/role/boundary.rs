//! PutRolePermissionsBoundary, DeleteRolePermissionsBoundary.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteRolePermissionsBoundaryRequest, PutRolePermissionsBoundaryRequest,
};

use super::find_role;
use crate::iam::user::check_boundary;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for PutRolePermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![ctx.role_arn(&self.role_name)],
            keys: vec![(
                "iam:PermissionsBoundary".to_owned(),
                ContextValue::Single(self.permissions_boundary.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        check_boundary(call, &self.permissions_boundary)?;
        let account = call.ctx.account();
        call.write(Principal::Role(role.role_name.clone()), |tx| {
            tx.roles().set_permissions_boundary(
                account,
                &role.role_name,
                Some(&self.permissions_boundary),
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteRolePermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let snapshot = ctx.warden.snapshot();
        let keys = snapshot
            .role(ctx.account(), &self.role_name)
            .and_then(|role| role.boundary.clone())
            .map(|boundary| {
                vec![(
                    "iam:PermissionsBoundary".to_owned(),
                    ContextValue::Single(boundary),
                )]
            })
            .unwrap_or_default();
        Ok(Access::Check {
            resources: vec![ctx.role_arn(&self.role_name)],
            keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let account = call.ctx.account();
        call.write(Principal::Role(role.role_name.clone()), |tx| {
            tx.roles()
                .set_permissions_boundary(account, &role.role_name, None)
        })?;
        Ok(NoOutput)
    }
}
