//! SSH public keys of users (for CodeCommit): UploadSSHPublicKey, GetSSHPublicKey (in SSH
//! or PEM encoding), ListSSHPublicKeys, UpdateSSHPublicKey, DeleteSSHPublicKey. Keys are
//! parsed and fingerprinted by [`warden_crypto::ssh`]; they are public, so nothing is sealed.

use warden_crypto::credentials::{self, UniqueIdPrefix};
use warden_crypto::ssh::{self, SshKeyError};
use warden_protocol::NoOutput;
use warden_protocol::iam::errors::{INVALID_PUBLIC_KEY, UNRECOGNIZED_PUBLIC_KEY_ENCODING};
use warden_protocol::iam::{
    DeleteSSHPublicKeyRequest, GetSSHPublicKeyRequest, GetSSHPublicKeyResponse,
    ListSSHPublicKeysRequest, ListSSHPublicKeysResponse, SSHPublicKey, SSHPublicKeyMetadata,
    UpdateSSHPublicKeyRequest, UploadSSHPublicKeyRequest, UploadSSHPublicKeyResponse,
};
use warden_store::{AccessKeyStatus, SshPublicKeyRecord};

use crate::iam::paging::page_of;
use crate::iam::user::{find_target_user, find_user};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for UploadSSHPublicKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UploadSSHPublicKeyResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let key = ssh::parse(&self.ssh_public_key_body).map_err(key_error)?;
        let ctx = call.ctx;
        let record = SshPublicKeyRecord {
            account_id: ctx.account().to_owned(),
            user_name: user.user_name,
            ssh_public_key_id: credentials::unique_id(
                UniqueIdPrefix::PublicKey,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            fingerprint: key.fingerprint,
            body_ssh: key.openssh,
            body_pem: key.pem,
            status: AccessKeyStatus::Active,
            upload_date: ctx.warden.now().as_millisecond(),
        };
        call.write_outside_snapshot(|tx| tx.ssh_public_keys().upload(&record))?;
        Ok(UploadSSHPublicKeyResponse {
            ssh_public_key: Some(shape(&record, Encoding::Ssh)),
        })
    }
}

impl Handle for GetSSHPublicKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetSSHPublicKeyResponse, ServiceError> {
        let encoding = match self.encoding.as_str() {
            "SSH" => Encoding::Ssh,
            "PEM" => Encoding::Pem,
            other => {
                return Err(ServiceError::modeled(
                    &UNRECOGNIZED_PUBLIC_KEY_ENCODING,
                    format!("Unrecognized public key encoding: {other}."),
                ));
            }
        };
        let key = find_key(call, &self.user_name, &self.ssh_public_key_id)?;
        Ok(GetSSHPublicKeyResponse {
            ssh_public_key: Some(shape(&key, encoding)),
        })
    }
}

impl Handle for ListSSHPublicKeysRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.target_user_arn(self.user_name.as_deref())?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListSSHPublicKeysResponse, ServiceError> {
        let user = find_target_user(call, self.user_name)?;
        let account = call.ctx.account();
        let keys = call.read(|tx| tx.ssh_public_keys().list(account, Some(&user.user_name)))?;
        let metadata = keys
            .iter()
            .map(|key| SSHPublicKeyMetadata {
                user_name: key.user_name.clone(),
                ssh_public_key_id: key.ssh_public_key_id.clone(),
                status: key.status.as_str().to_owned(),
                upload_date: timestamp(key.upload_date),
            })
            .collect();
        let (page, marker) = page_of(metadata, self.marker.as_deref(), self.max_items)?;
        Ok(ListSSHPublicKeysResponse {
            ssh_public_keys: Some(page),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for UpdateSSHPublicKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let status = AccessKeyStatus::parse(&self.status).ok_or_else(|| {
            ServiceError::InvalidInput(format!("Invalid status: {}", self.status))
        })?;
        let key = find_key(call, &self.user_name, &self.ssh_public_key_id)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.ssh_public_keys()
                .set_status(account, &key.user_name, &key.ssh_public_key_id, status)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteSSHPublicKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let key = find_key(call, &self.user_name, &self.ssh_public_key_id)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.ssh_public_keys()
                .delete(account, &key.user_name, &key.ssh_public_key_id)
        })?;
        Ok(NoOutput)
    }
}

/// Which of GetSSHPublicKey's encodings a key is shown in.
#[derive(Clone, Copy)]
enum Encoding {
    /// OpenSSH text.
    Ssh,
    /// PEM `PUBLIC KEY`.
    Pem,
}

/// The user's key; NoSuchEntity (user, then key) otherwise.
fn find_key(
    call: &Authorized<'_, '_>,
    user_name: &str,
    id: &str,
) -> Result<SshPublicKeyRecord, ServiceError> {
    let user = find_user(call, user_name)?;
    call.read(|tx| {
        tx.ssh_public_keys()
            .get(call.ctx.account(), &user.user_name, id)
    })?
    .ok_or_else(|| {
        ServiceError::from(warden_store::StoreError::not_found(
            warden_store::EntityKind::SshPublicKey,
            id,
        ))
    })
}

/// The key as the API shows it, its body in `encoding`.
fn shape(key: &SshPublicKeyRecord, encoding: Encoding) -> SSHPublicKey {
    SSHPublicKey {
        user_name: key.user_name.clone(),
        ssh_public_key_id: key.ssh_public_key_id.clone(),
        fingerprint: key.fingerprint.clone(),
        ssh_public_key_body: match encoding {
            Encoding::Ssh => key.body_ssh.clone(),
            Encoding::Pem => key.body_pem.clone(),
        },
        status: key.status.as_str().to_owned(),
        upload_date: Some(timestamp(key.upload_date)),
    }
}

/// IAM's error for a refused key.
fn key_error(error: SshKeyError) -> ServiceError {
    match error {
        SshKeyError::UnrecognizedEncoding => ServiceError::modeled(
            &UNRECOGNIZED_PUBLIC_KEY_ENCODING,
            "The public key encoding format is unsupported or unrecognized.",
        ),
        SshKeyError::Invalid(_) => ServiceError::modeled(
            &INVALID_PUBLIC_KEY,
            "The public key is malformed or otherwise invalid.",
        ),
    }
}
