//! GetAccessKeyInfo: the account that owns an access key id — from the snapshot when Warden
//! knows the key, otherwise decoded from the id itself, as AWS does.

use warden_protocol::sts::{GetAccessKeyInfoRequest, GetAccessKeyInfoResponse};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetAccessKeyInfoRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetAccessKeyInfoResponse, ServiceError> {
        let account = call
            .ctx
            .warden
            .snapshot()
            .key(&self.access_key_id)
            .map(|key| key.caller.account_id.clone())
            .or_else(|| {
                warden_crypto::credentials::account_id_from_access_key_id(&self.access_key_id)
            })
            .ok_or_else(|| {
                ServiceError::InvalidParameterValue(format!(
                    "The access key ID {} is not valid.",
                    self.access_key_id
                ))
            })?;
        Ok(GetAccessKeyInfoResponse {
            account: Some(account),
        })
    }
}
