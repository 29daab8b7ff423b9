//! Outbound identity federation of the caller's account: Enable/Disable
//! OutboundWebIdentityFederation and GetOutboundWebIdentityFederationInfo. Enabling the
//! first time gives the account an issuer id of its own (kept when disabled, so enabling
//! again keeps the issuer URL external services trust); STS GetWebIdentityToken signs only
//! while it is enabled.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    EnableOutboundWebIdentityFederationResponse, GetOutboundWebIdentityFederationInfoResponse,
    errors, operations,
};
use warden_store::OutboundFederationRecord;

use crate::operation::{Access, Authorized, Handle};
use crate::sts::issuer_url;
use crate::{Ctx, ServiceError};

crate::operation::no_input!(
    /// EnableOutboundWebIdentityFederation's (absent) input.
    EnableOutboundWebIdentityFederation,
    operations::ENABLE_OUTBOUND_WEB_IDENTITY_FEDERATION,
    EnableOutboundWebIdentityFederationResponse
);
crate::operation::no_input!(
    /// DisableOutboundWebIdentityFederation's (absent) input.
    DisableOutboundWebIdentityFederation,
    operations::DISABLE_OUTBOUND_WEB_IDENTITY_FEDERATION,
    NoOutput
);
crate::operation::no_input!(
    /// GetOutboundWebIdentityFederationInfo's (absent) input.
    GetOutboundWebIdentityFederationInfo,
    operations::GET_OUTBOUND_WEB_IDENTITY_FEDERATION_INFO,
    GetOutboundWebIdentityFederationInfoResponse
);

/// The account's outbound federation as stored.
fn current(call: &Authorized<'_, '_>) -> Result<Option<OutboundFederationRecord>, ServiceError> {
    let account = call.ctx.account();
    Ok(call.read(|tx| tx.accounts().outbound_federation(account))?)
}

fn disabled() -> ServiceError {
    ServiceError::modeled(
        &errors::FEATURE_DISABLED,
        "Outbound identity federation is disabled for your account.",
    )
}

impl Handle for EnableOutboundWebIdentityFederation {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<EnableOutboundWebIdentityFederationResponse, ServiceError> {
        let record = match current(call)? {
            Some(record) if record.enabled => {
                return Err(ServiceError::modeled(
                    &errors::FEATURE_ENABLED,
                    "Outbound identity federation is already enabled for your account.",
                ));
            }
            Some(record) => OutboundFederationRecord {
                enabled: true,
                ..record
            },
            None => OutboundFederationRecord {
                issuer_id: warden_crypto::Uuid::new_v4(call.ctx.warden.rng.as_ref())
                    .map_err(|error| ServiceError::Internal(error.to_string()))?
                    .to_string(),
                enabled: true,
            },
        };
        let account = call.ctx.account().to_owned();
        call.write_outside_snapshot(|tx| tx.accounts().set_outbound_federation(&account, &record))?;
        Ok(EnableOutboundWebIdentityFederationResponse {
            issuer_identifier: Some(issuer_url(call.ctx.warden, &account, &record.issuer_id)),
        })
    }
}

impl Handle for DisableOutboundWebIdentityFederation {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = current(call)?
            .filter(|record| record.enabled)
            .ok_or_else(disabled)?;
        let account = call.ctx.account().to_owned();
        call.write_outside_snapshot(|tx| {
            tx.accounts().set_outbound_federation(
                &account,
                &OutboundFederationRecord {
                    enabled: false,
                    ..record
                },
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for GetOutboundWebIdentityFederationInfo {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetOutboundWebIdentityFederationInfoResponse, ServiceError> {
        let record = current(call)?.ok_or_else(disabled)?;
        Ok(GetOutboundWebIdentityFederationInfoResponse {
            issuer_identifier: Some(issuer_url(
                call.ctx.warden,
                call.ctx.account(),
                &record.issuer_id,
            )),
            jwt_vending_enabled: Some(record.enabled),
        })
    }
}
