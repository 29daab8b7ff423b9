//! PutUserPermissionsBoundary, DeleteUserPermissionsBoundary.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteUserPermissionsBoundaryRequest, PutUserPermissionsBoundaryRequest,
};

use crate::iam::boundary::{self, Bounded};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for PutUserPermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(boundary::access(
            ctx,
            Bounded::User,
            &self.user_name,
            Some(&self.permissions_boundary),
        ))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        boundary::set(
            call,
            Bounded::User,
            &self.user_name,
            Some(&self.permissions_boundary),
        )?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteUserPermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(boundary::access(ctx, Bounded::User, &self.user_name, None))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        boundary::set(call, Bounded::User, &self.user_name, None)?;
        Ok(NoOutput)
    }
}
