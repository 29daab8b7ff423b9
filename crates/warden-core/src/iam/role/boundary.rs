//! PutRolePermissionsBoundary, DeleteRolePermissionsBoundary.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteRolePermissionsBoundaryRequest, PutRolePermissionsBoundaryRequest,
};

use crate::iam::boundary::{self, Bounded};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for PutRolePermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(boundary::access(
            ctx,
            Bounded::Role,
            &self.role_name,
            Some(&self.permissions_boundary),
        ))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        boundary::set(
            call,
            Bounded::Role,
            &self.role_name,
            Some(&self.permissions_boundary),
        )?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteRolePermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(boundary::access(ctx, Bounded::Role, &self.role_name, None))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        boundary::set(call, Bounded::Role, &self.role_name, None)?;
        Ok(NoOutput)
    }
}
