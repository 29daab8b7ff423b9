//! GetUser: a user, or without `UserName` the caller itself (the root user included).

use warden_protocol::Arn;
use warden_protocol::iam::{GetUserRequest, GetUserResponse, User, arn};

use super::{find_user, user_shape};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for GetUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if self.user_name.is_none() && ctx.caller.is_root() {
            // The root user asking about itself.
            return Ok(Access::on(Arn {
                resource_type: &arn::USER,
                value: ctx.caller.arn.clone(),
            }));
        }
        let name = ctx.target_user(self.user_name.clone())?;
        Ok(Access::on(ctx.user_arn(&name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetUserResponse, ServiceError> {
        let ctx = call.ctx;
        if self.user_name.is_none() && ctx.caller.is_root() {
            let account = call.read(|tx| tx.accounts().get(ctx.account()))?;
            return Ok(GetUserResponse {
                user: User {
                    user_id: ctx.account().to_owned(),
                    arn: ctx.caller.arn.clone(),
                    create_date: timestamp(account.map_or(0, |a| a.create_date)),
                    ..User::default()
                },
            });
        }
        let name = ctx.target_user(self.user_name)?;
        Ok(GetUserResponse {
            user: user_shape(&find_user(call, &name)?),
        })
    }
}
