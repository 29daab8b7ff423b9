//! ListPublicKeys: the public keys that sign the trail's digest files, for the time range
//! asked (validate-logs looks a digest's key up by fingerprint among them).

use warden_protocol::cloudtrail::{
    ListPublicKeysRequest, ListPublicKeysResponse, PublicKey, errors,
};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListPublicKeysRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListPublicKeysResponse, ServiceError> {
        list_public_keys(call.ctx, &self)
    }
}

fn list_public_keys(
    ctx: &Ctx<'_>,
    input: &ListPublicKeysRequest,
) -> Result<ListPublicKeysResponse, ServiceError> {
    if let (Some(start), Some(end)) = (input.start_time, input.end_time)
        && start > end
    {
        return Err(ServiceError::modeled(
            &errors::INVALID_TIME_RANGE,
            "Start time must be earlier than end time.",
        ));
    }
    let keys = ctx
        .warden
        .digest_keys()
        .public_keys()
        .into_iter()
        // A key is listed when its validity overlaps the requested range.
        .filter(|key| input.end_time.is_none_or(|end| key.valid_from <= end))
        .filter(|key| input.start_time.is_none_or(|start| key.valid_to >= start))
        .map(|key| PublicKey {
            value: Some(key.der),
            validity_start_time: Some(key.valid_from),
            validity_end_time: Some(key.valid_to),
            fingerprint: Some(key.fingerprint),
        })
        .collect();
    Ok(ListPublicKeysResponse {
        public_key_list: Some(keys),
        next_token: None,
    })
}
