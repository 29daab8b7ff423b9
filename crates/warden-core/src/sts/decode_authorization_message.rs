//! DecodeAuthorizationMessage: the detail of a refusal whose AccessDenied answer carried an
//! encoded authorization message (`warden serve --encode-authorization-messages`), for a
//! caller allowed `sts:DecodeAuthorizationMessage` in the account the refusal happened in.

use warden_protocol::sts::{
    DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse, errors,
};

use crate::authorization_message::DenialDetail;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DecodeAuthorizationMessageRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DecodeAuthorizationMessageResponse, ServiceError> {
        let ctx = call.ctx;
        let detail = DenialDetail::decode(&ctx.warden.sealer, &self.encoded_message)
            // Another account's refusal is not the caller's to read.
            .filter(|detail| detail.account == ctx.account())
            .ok_or_else(|| {
                ServiceError::modeled(
                    &errors::INVALID_AUTHORIZATION_MESSAGE,
                    "Message is invalid or does not belong to this account.".to_owned(),
                )
            })?;
        Ok(DecodeAuthorizationMessageResponse {
            decoded_message: Some(detail.message_text()),
        })
    }
}
