//! CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
//!
//! Without `UserName` these act on the caller's own keys — the root user's when root calls.

use warden_crypto::credentials::{self, AccessKeyKind};
use warden_protocol::iam::{
    AccessKey, AccessKeyMetadata, CreateAccessKeyRequest, CreateAccessKeyResponse,
    DeleteAccessKeyRequest, ListAccessKeysRequest, ListAccessKeysResponse, UpdateAccessKeyRequest,
};
use warden_store::{AccessKeyRecord, AccessKeyStatus, Store};

use super::Ctx;
use super::users::find_user;
use crate::snapshot_build::{access_key_aad, refresh_root_keys};
use crate::{Output, ServiceError, timestamp};

/// Whose keys an operation acts on.
struct Owner {
    /// `None` for the root user.
    user_name: Option<String>,
    /// The ARN authorized against.
    arn: String,
}

impl Ctx<'_> {
    fn key_owner(&self, given: Option<String>) -> Owner {
        match given.or_else(|| self.caller.user_name().map(str::to_owned)) {
            Some(name) => Owner {
                arn: self.user_arn(&name),
                user_name: Some(name),
            },
            None => Owner {
                user_name: None,
                arn: self.caller.arn.clone(),
            },
        }
    }

    /// Commit a key write, then refresh the owner's keys in the snapshot.
    fn write_keys<T>(
        &self,
        owner: &Owner,
        write: impl FnOnce(&dyn Store) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        match &owner.user_name {
            Some(name) => self.write_user(name, write),
            None => {
                let account = self.account();
                self.warden.write(write, |store, sealer, snapshot| {
                    refresh_root_keys(store, sealer, snapshot, account)
                })
            }
        }
    }
}

pub(super) fn create_access_key(
    ctx: &Ctx<'_>,
    input: CreateAccessKeyRequest,
) -> Result<Option<Output>, ServiceError> {
    let owner = ctx.key_owner(input.user_name);
    ctx.authorize(owner.arn.clone(), Vec::new())?;
    let user_name = match &owner.user_name {
        Some(name) => Some(find_user(ctx, name)?.user_name),
        None => None,
    };
    let internal = |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
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
    ctx.write_keys(&owner, |store| Ok(store.create_access_key(&record)?))?;
    Ok(Some(Box::new(CreateAccessKeyResponse {
        access_key: AccessKey {
            user_name: user_name.unwrap_or_default(),
            access_key_id: record.access_key_id.clone(),
            status: record.status.as_str().to_owned(),
            secret_access_key: secret.expose_secret().to_owned(),
            create_date: Some(timestamp(record.create_date)),
        },
    })))
}

pub(super) fn list_access_keys(
    ctx: &Ctx<'_>,
    input: ListAccessKeysRequest,
) -> Result<Option<Output>, ServiceError> {
    let owner = ctx.key_owner(input.user_name);
    ctx.authorize(owner.arn.clone(), Vec::new())?;
    let keys = ctx
        .warden
        .store()
        .list_access_keys(ctx.account(), owner.user_name.as_deref())?;
    let metadata = keys
        .iter()
        .map(|key| AccessKeyMetadata {
            user_name: key.user_name.clone(),
            access_key_id: Some(key.access_key_id.clone()),
            status: Some(key.status.as_str().to_owned()),
            create_date: Some(timestamp(key.create_date)),
        })
        .collect();
    Ok(Some(Box::new(ListAccessKeysResponse {
        access_key_metadata: metadata,
        is_truncated: Some(false),
        marker: None,
    })))
}

pub(super) fn update_access_key(
    ctx: &Ctx<'_>,
    input: UpdateAccessKeyRequest,
) -> Result<Option<Output>, ServiceError> {
    let owner = ctx.key_owner(input.user_name);
    ctx.authorize(owner.arn.clone(), Vec::new())?;
    let status = AccessKeyStatus::parse(&input.status).ok_or_else(|| {
        ServiceError::InvalidParameterValue(format!("Invalid status {}", input.status))
    })?;
    let account = ctx.account().to_owned();
    ctx.write_keys(&owner, |store| {
        Ok(store.update_access_key_status(
            &account,
            owner.user_name.as_deref(),
            &input.access_key_id,
            status,
        )?)
    })?;
    Ok(None)
}

pub(super) fn delete_access_key(
    ctx: &Ctx<'_>,
    input: DeleteAccessKeyRequest,
) -> Result<Option<Output>, ServiceError> {
    let owner = ctx.key_owner(input.user_name);
    ctx.authorize(owner.arn.clone(), Vec::new())?;
    let account = ctx.account().to_owned();
    ctx.write_keys(&owner, |store| {
        Ok(store.delete_access_key(&account, owner.user_name.as_deref(), &input.access_key_id)?)
    })?;
    Ok(None)
}
