//! GetRole.

use warden_protocol::iam::{GetRoleRequest, GetRoleResponse};

use super::{find_role, role_shape};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetRoleResponse, ServiceError> {
        Ok(GetRoleResponse {
            role: role_shape(
                &find_role(call, &self.role_name)?,
                &call.ctx.warden.snapshot(),
            ),
        })
    }
}
