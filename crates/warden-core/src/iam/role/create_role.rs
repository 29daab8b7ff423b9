//! CreateRole: a role with its trust policy (validated and normalized), optional
//! description, maximum session duration, permissions boundary and tags.

use warden_protocol::iam::{CreateRoleRequest, CreateRoleResponse};
use warden_store::{DEFAULT_MAX_SESSION_DURATION, RoleRecord};

use super::{role_shape, trust};
use crate::iam::tagging::tag_pairs;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for CreateRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let path = self.path.as_deref().unwrap_or("/");
        crate::iam::boundary::creation_access(
            ctx.new_role_arn(path, &self.role_name),
            &tag_pairs(self.tags.as_deref()),
            "Role",
            self.permissions_boundary.as_deref(),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateRoleResponse, ServiceError> {
        let ctx = call.ctx;
        let trust = trust::stored(call, &self.assume_role_policy_document)?;
        if let Some(boundary) = &self.permissions_boundary {
            crate::iam::boundary::check(call, boundary)?;
        }
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let record = RoleRecord {
            account_id: ctx.account().to_owned(),
            arn: ctx.new_role_arn(&path, &self.role_name).value,
            role_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::Role,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            role_name: self.role_name,
            path,
            create_date: ctx.warden.now().as_millisecond(),
            assume_role_policy_document: trust,
            description: self.description.filter(|d| !d.is_empty()),
            max_session_duration: self
                .max_session_duration
                .unwrap_or(DEFAULT_MAX_SESSION_DURATION),
            permissions_boundary: self.permissions_boundary,
            tags: tag_pairs(self.tags.as_deref()),
            last_used: None,
        };
        call.write(Principal::Role(record.role_name.clone()), |tx| {
            tx.roles().create(&record)
        })?;
        let mut role = role_shape(&record, &ctx.warden.snapshot());
        // CreateRole does not report last use.
        role.role_last_used = None;
        Ok(CreateRoleResponse { role })
    }
}
