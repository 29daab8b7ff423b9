//! ListAccessKeys.

use warden_protocol::iam::{AccessKeyMetadata, ListAccessKeysRequest, ListAccessKeysResponse};

use super::Owner;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for ListAccessKeysRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListAccessKeysResponse, ServiceError> {
        let owner = Owner::of(call.ctx, self.user_name.as_deref())?;
        let keys = call.read(|tx| {
            tx.access_keys()
                .list(call.ctx.account(), owner.user_name.as_deref())
        })?;
        Ok(ListAccessKeysResponse {
            access_key_metadata: keys
                .iter()
                .map(|key| AccessKeyMetadata {
                    user_name: key.user_name.clone(),
                    access_key_id: Some(key.access_key_id.clone()),
                    status: Some(key.status.as_str().to_owned()),
                    create_date: Some(timestamp(key.create_date)),
                })
                .collect(),
            is_truncated: Some(false),
            marker: None,
        })
    }
}
