//! The five operations on service-specific credentials.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreateServiceSpecificCredentialRequest, CreateServiceSpecificCredentialResponse,
    DeleteServiceSpecificCredentialRequest, ListServiceSpecificCredentialsRequest,
    ListServiceSpecificCredentialsResponse, ResetServiceSpecificCredentialRequest,
    ResetServiceSpecificCredentialResponse, UpdateServiceSpecificCredentialRequest,
};
use warden_store::{AccessKeyStatus, ServiceCredentialRecord};

use super::{Kind, kind_of, metadata, new_secret, shown_with_secret};
use crate::iam::paging::page_of;
use crate::iam::user::{find_target_user, find_user};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// Milliseconds in a day.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl Handle for CreateServiceSpecificCredentialRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateServiceSpecificCredentialResponse, ServiceError> {
        let ctx = call.ctx;
        let kind = kind_of(&self.service_name)?;
        if kind == Kind::Password && self.credential_age_days.is_some() {
            return Err(ServiceError::InvalidInput(
                "CredentialAgeDays is only valid for services that support API keys.".to_owned(),
            ));
        }
        let user = find_user(call, &self.user_name)?;
        let (secret, sealed) = new_secret(ctx)?;
        let now = ctx.warden.now().as_millisecond();
        let credential_id = warden_crypto::credentials::unique_id(
            warden_crypto::credentials::UniqueIdPrefix::ContextSpecificCredential,
            ctx.warden.rng.as_ref(),
        )
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
        let service_user_name = match kind {
            Kind::Password => format!("{}-at-{}", user.user_name, ctx.account()),
            Kind::ApiKey => format!("{}+{credential_id}-at-{}", user.user_name, ctx.account()),
        };
        let record = ServiceCredentialRecord {
            account_id: ctx.account().to_owned(),
            user_name: user.user_name,
            credential_id,
            service_name: self.service_name,
            service_user_name,
            secret_sealed: sealed,
            status: AccessKeyStatus::Active,
            create_date: now,
            expiration_date: self
                .credential_age_days
                .map(|days| now.saturating_add(i64::from(days).saturating_mul(DAY_MS))),
        };
        call.write_outside_snapshot(|tx| tx.service_credentials().create(&record))?;
        Ok(CreateServiceSpecificCredentialResponse {
            service_specific_credential: Some(shown_with_secret(&record, &secret)),
        })
    }
}

impl Handle for ListServiceSpecificCredentialsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if self.all_users == Some(true) {
            return Ok(Access::anywhere());
        }
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListServiceSpecificCredentialsResponse, ServiceError> {
        let user = if self.all_users == Some(true) {
            None
        } else {
            Some(find_target_user(call, self.user_name)?.user_name)
        };
        let records = call.read(|tx| {
            tx.service_credentials().list(
                call.ctx.account(),
                user.as_deref(),
                self.service_name.as_deref(),
            )
        })?;
        let shown = records.into_iter().map(metadata).collect();
        let (credentials, marker) = page_of(shown, self.marker.as_deref(), self.max_items)?;
        Ok(ListServiceSpecificCredentialsResponse {
            service_specific_credentials: Some(credentials),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for UpdateServiceSpecificCredentialRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_target_user(call, self.user_name)?;
        let status = AccessKeyStatus::parse(&self.status).ok_or_else(|| {
            ServiceError::InvalidInput(format!("Invalid status {}.", self.status))
        })?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.service_credentials().update_status(
                account,
                &user.user_name,
                &self.service_specific_credential_id,
                status,
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ResetServiceSpecificCredentialRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ResetServiceSpecificCredentialResponse, ServiceError> {
        let user = find_target_user(call, self.user_name)?;
        let account = call.ctx.account();
        let id = &self.service_specific_credential_id;
        let mut record = call
            .read(|tx| tx.service_credentials().get(account, &user.user_name, id))?
            .ok_or_else(|| not_found(id))?;
        let (secret, sealed) = new_secret(call.ctx)?;
        call.write_outside_snapshot(|tx| {
            tx.service_credentials()
                .reset_secret(account, &user.user_name, id, &sealed)
        })?;
        record.secret_sealed = sealed;
        Ok(ResetServiceSpecificCredentialResponse {
            service_specific_credential: Some(shown_with_secret(&record, &secret)),
        })
    }
}

impl Handle for DeleteServiceSpecificCredentialRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_target_user(call, self.user_name)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.service_credentials().delete(
                account,
                &user.user_name,
                &self.service_specific_credential_id,
            )
        })?;
        Ok(NoOutput)
    }
}

/// AWS's NoSuchEntity for a credential the user does not have.
fn not_found(id: &str) -> ServiceError {
    ServiceError::NoSuchEntity(crate::error::not_found_message(
        warden_store::EntityKind::ServiceCredential,
        id,
    ))
}
