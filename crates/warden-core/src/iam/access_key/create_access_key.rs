//! CreateAccessKey: a new long-term key pair; the secret is returned once, sealed at rest.

use warden_crypto::credentials::{self, AccessKeyKind};
use warden_protocol::iam::{AccessKey, CreateAccessKeyRequest, CreateAccessKeyResponse};
use warden_store::{AccessKeyRecord, AccessKeyStatus};

use super::Owner;
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::snapshot_build::access_key_aad;
use crate::{Ctx, ServiceError, timestamp};

impl Handle for CreateAccessKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateAccessKeyResponse, ServiceError> {
        let ctx = call.ctx;
        let owner = Owner::of(ctx, self.user_name.as_deref())?;
        let user_name = match &owner.user_name {
            Some(name) => Some(find_user(call, name)?.user_name),
            None => None,
        };
        let internal =
            |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
        let rng = ctx.warden.rng.as_ref();
        let access_key_id = credentials::access_key_id(AccessKeyKind::LongTerm, ctx.account(), rng)
            .map_err(internal)?;
        let secret = credentials::secret_access_key(rng).map_err(internal)?;
        let sealed = ctx
            .warden
            .sealer
            .seal(
                secret.expose_secret().as_bytes(),
                &access_key_aad(&access_key_id),
            )
            .map_err(internal)?;
        let record = AccessKeyRecord {
            account_id: ctx.account().to_owned(),
            user_name: user_name.clone(),
            access_key_id,
            secret_sealed: sealed,
            status: AccessKeyStatus::Active,
            create_date: ctx.warden.now().as_millisecond(),
        };
        call.write(owner.principal(), |tx| tx.access_keys().create(&record))?;
        Ok(CreateAccessKeyResponse {
            access_key: AccessKey {
                user_name: user_name.unwrap_or_default(),
                access_key_id: record.access_key_id.clone(),
                status: record.status.as_str().to_owned(),
                secret_access_key: secret.expose_secret().to_owned(),
                create_date: Some(timestamp(record.create_date)),
            },
        })
    }
}
