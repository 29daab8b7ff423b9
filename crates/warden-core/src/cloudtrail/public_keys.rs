//! ListPublicKeys: the public keys that sign the trail's digest files, for the time range
//! asked (validate-logs looks a digest's key up by fingerprint among them).

use warden_protocol::cloudtrail::{ListPublicKeysRequest, ListPublicKeysResponse, PublicKey};

use crate::{Ctx, Output, ServiceError};

pub(super) fn list_public_keys(
    ctx: &Ctx<'_>,
    input: &ListPublicKeysRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize("*".to_owned(), Vec::new())?;
    if let (Some(start), Some(end)) = (input.start_time, input.end_time)
        && start > end
    {
        return Err(ServiceError::Modeled {
            code: "InvalidTimeRangeException",
            status: 400,
            message: "Start time must be earlier than end time.".to_owned(),
        });
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
    Ok(Some(Box::new(ListPublicKeysResponse {
        public_key_list: Some(keys),
        next_token: None,
    })))
}
