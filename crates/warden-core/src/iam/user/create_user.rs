//! CreateUser.

use warden_protocol::iam::{CreateUserRequest, CreateUserResponse};
use warden_store::UserRecord;

use super::user_shape;
use crate::iam::tagging::tag_pairs;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for CreateUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let path = self.path.as_deref().unwrap_or("/");
        crate::iam::boundary::creation_access(
            ctx.new_user_arn(path, &self.user_name),
            &tag_pairs(self.tags.as_deref()),
            "User",
            self.permissions_boundary.as_deref(),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateUserResponse, ServiceError> {
        if let Some(boundary) = &self.permissions_boundary {
            crate::iam::boundary::check(call, boundary)?;
        }
        let ctx = call.ctx;
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let record = UserRecord {
            account_id: ctx.account().to_owned(),
            arn: ctx.new_user_arn(&path, &self.user_name).value,
            user_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::User,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            tags: tag_pairs(self.tags.as_deref()),
            user_name: self.user_name,
            path,
            create_date: ctx.warden.now().as_millisecond(),
            permissions_boundary: self.permissions_boundary,
        };
        call.write(Principal::User(record.user_name.clone()), |tx| {
            tx.users().create(&record)
        })?;
        Ok(CreateUserResponse {
            user: Some(user_shape(&record)),
        })
    }
}
