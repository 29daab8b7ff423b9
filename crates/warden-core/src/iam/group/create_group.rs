//! CreateGroup.

use warden_protocol::iam::{CreateGroupRequest, CreateGroupResponse};
use warden_store::GroupRecord;

use super::group_shape;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for CreateGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let path = self.path.as_deref().unwrap_or("/");
        Ok(Access::on(ctx.new_group_arn(path, &self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateGroupResponse, ServiceError> {
        let ctx = call.ctx;
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let record = GroupRecord {
            account_id: ctx.account().to_owned(),
            arn: ctx.new_group_arn(&path, &self.group_name).value,
            group_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::Group,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            group_name: self.group_name,
            path,
            create_date: ctx.warden.now().as_millisecond(),
        };
        call.write(Principal::Group(record.group_name.clone()), |tx| {
            tx.groups().create(&record)
        })?;
        Ok(CreateGroupResponse {
            group: group_shape(&record),
        })
    }
}
