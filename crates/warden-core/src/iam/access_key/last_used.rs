//! GetAccessKeyLastUsed: when, for which service and in which Region a key last
//! authenticated a call (`N/A` until it has), for keys of the caller's account.

use warden_protocol::Arn;
use warden_protocol::iam::{
    AccessKeyLastUsed, GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse, arn,
};

use crate::caller::CallerKind;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for GetAccessKeyLastUsedRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let (owner_arn, _) = owner(ctx, &self.access_key_id)?;
        Ok(Access::on(Arn {
            resource_type: &arn::USER,
            value: owner_arn,
        }))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetAccessKeyLastUsedResponse, ServiceError> {
        let (_, user_name) = owner(call.ctx, &self.access_key_id)?;
        let key_uses = &call.ctx.warden.key_uses;
        let used = call.read(|tx| key_uses.last_used(tx, &self.access_key_id))?;
        let access_key_last_used = match used {
            Some(used) => AccessKeyLastUsed {
                last_used_date: Some(timestamp(used.when)),
                service_name: used.service,
                region: used.region,
            },
            None => AccessKeyLastUsed {
                last_used_date: None,
                service_name: "N/A".to_owned(),
                region: "N/A".to_owned(),
            },
        };
        Ok(GetAccessKeyLastUsedResponse {
            user_name,
            access_key_last_used: Some(access_key_last_used),
        })
    }
}

/// The ARN and user name (`None`: the root user) of the key's owner, when the key belongs
/// to the caller's account.
fn owner(ctx: &Ctx<'_>, access_key_id: &str) -> Result<(String, Option<String>), ServiceError> {
    let snapshot = ctx.warden.snapshot();
    let key = snapshot
        .key(access_key_id)
        .filter(|key| key.caller.account_id == ctx.account())
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "The Access Key with id {access_key_id} cannot be found."
            ))
        })?;
    let user_name = match &key.caller.kind {
        CallerKind::Root | CallerKind::AssumedRole { .. } | CallerKind::FederatedUser { .. } => {
            None
        }
        CallerKind::User { user_name, .. } => Some(user_name.clone()),
    };
    Ok((key.caller.arn.clone(), user_name))
}
