//! PutUserPermissionsBoundary, DeleteUserPermissionsBoundary. A boundary caps what the
//! user's identity policies can allow; it takes effect on the user's next request.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteUserPermissionsBoundaryRequest, PutUserPermissionsBoundaryRequest,
};

use super::find_user;
use crate::iam::managed_policy;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for PutUserPermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![ctx.user_arn(&self.user_name)],
            keys: vec![(
                "iam:PermissionsBoundary".to_owned(),
                ContextValue::Single(self.permissions_boundary.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        check_boundary(call, &self.permissions_boundary)?;
        let account = call.ctx.account();
        call.write(Principal::User(user.user_name.clone()), |tx| {
            tx.users().set_permissions_boundary(
                account,
                &user.user_name,
                Some(&self.permissions_boundary),
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteUserPermissionsBoundaryRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let snapshot = ctx.warden.snapshot();
        let keys = snapshot
            .user(ctx.account(), &self.user_name)
            .and_then(|user| user.boundary.clone())
            .map(|boundary| {
                vec![(
                    "iam:PermissionsBoundary".to_owned(),
                    ContextValue::Single(boundary),
                )]
            })
            .unwrap_or_default();
        Ok(Access::Check {
            resources: vec![ctx.user_arn(&self.user_name)],
            keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let account = call.ctx.account();
        call.write(Principal::User(user.user_name.clone()), |tx| {
            tx.users()
                .set_permissions_boundary(account, &user.user_name, None)
        })?;
        Ok(NoOutput)
    }
}

/// A boundary must name a managed policy the caller's account can attach.
pub(crate) fn check_boundary(call: &Authorized<'_, '_>, arn: &str) -> Result<(), ServiceError> {
    managed_policy::find_attachable(call, arn)
        .map(|_| ())
        .map_err(|_| {
            ServiceError::NoSuchEntity(format!(
                "Scope ARN: {arn} does not exist or is not attachable."
            ))
        })
}
