//! UploadServerCertificate, GetServerCertificate, ListServerCertificates,
//! UpdateServerCertificate, DeleteServerCertificate.

use warden_crypto::credentials::{UniqueIdPrefix, unique_id};
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeleteServerCertificateRequest, GetServerCertificateRequest, GetServerCertificateResponse,
    ListServerCertificatesRequest, ListServerCertificatesResponse, ServerCertificate,
    UpdateServerCertificateRequest, UploadServerCertificateRequest,
    UploadServerCertificateResponse,
};
use warden_store::{ServerCertificateRecord, ServerCertificateUpdate};
use zeroize::Zeroizing;

use super::{
    certificate_arn, check_upload, find_certificate, metadata, new_certificate_arn,
    private_key_purpose,
};
use crate::iam::paging::page_request;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for UploadServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, "ServerCertificate")?;
        let path = self.path.as_deref().unwrap_or("/");
        Ok(Access::Check {
            resources: vec![new_certificate_arn(
                ctx,
                path,
                &self.server_certificate_name,
            )],
            keys: tag_keys(&tags),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UploadServerCertificateResponse, ServiceError> {
        let ctx = call.ctx;
        // The key is wiped when this call is done with it.
        let private_key = Zeroizing::new(self.private_key);
        let now = ctx.warden.now();
        let certificate = check_upload(
            &self.certificate_body,
            &private_key,
            self.certificate_chain.as_deref(),
            now.as_second(),
        )?;
        let internal =
            |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
        let id =
            unique_id(UniqueIdPrefix::Certificate, ctx.warden.rng.as_ref()).map_err(internal)?;
        let private_key_sealed = ctx
            .warden
            .sealer
            .seal(private_key.as_bytes(), &private_key_purpose(&id))
            .map_err(internal)?;
        drop(private_key);
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let record = ServerCertificateRecord {
            account_id: ctx.account().to_owned(),
            arn: new_certificate_arn(ctx, &path, &self.server_certificate_name).value,
            server_certificate_name: self.server_certificate_name,
            server_certificate_id: id,
            path,
            certificate_body: self.certificate_body,
            certificate_chain: self.certificate_chain,
            private_key_sealed,
            upload_date: now.as_millisecond(),
            expiration: certificate.not_after.saturating_mul(1000),
            tags: tag_pairs(self.tags.as_deref()),
        };
        call.write_outside_snapshot(|tx| tx.server_certificates().upload(&record))?;
        Ok(UploadServerCertificateResponse {
            server_certificate_metadata: Some(metadata(&record)),
            tags: tag_shapes(&record.tags),
        })
    }
}

impl Handle for GetServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(certificate_arn(
            ctx,
            &self.server_certificate_name,
        )?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetServerCertificateResponse, ServiceError> {
        let record = find_certificate(call, &self.server_certificate_name)?;
        Ok(GetServerCertificateResponse {
            server_certificate: ServerCertificate {
                server_certificate_metadata: metadata(&record),
                tags: tag_shapes(&record.tags),
                certificate_body: record.certificate_body,
                certificate_chain: record.certificate_chain,
            },
        })
    }
}

impl Handle for ListServerCertificatesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListServerCertificates no resource type.
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListServerCertificatesResponse, ServiceError> {
        let page = page_request(self.marker, self.max_items);
        let page = call.read(|tx| {
            tx.server_certificates()
                .list(call.ctx.account(), self.path_prefix.as_deref(), &page)
        })?;
        Ok(ListServerCertificatesResponse {
            server_certificate_metadata_list: page.items.iter().map(metadata).collect(),
            is_truncated: Some(page.next_marker.is_some()),
            marker: page.next_marker,
        })
    }
}

impl Handle for UpdateServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // AWS requires permission on the certificate's current ARN and on its new one.
        Ok(Access::renaming(
            certificate_arn(ctx, &self.server_certificate_name)?,
            &self.server_certificate_name,
            self.new_path.as_deref(),
            self.new_server_certificate_name.as_deref(),
            |path, name| new_certificate_arn(ctx, path, name),
        ))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let current = find_certificate(call, &self.server_certificate_name)?;
        let name = self
            .new_server_certificate_name
            .unwrap_or_else(|| current.server_certificate_name.clone());
        let path = self.new_path.unwrap_or_else(|| current.path.clone());
        let update = ServerCertificateUpdate {
            arn: new_certificate_arn(ctx, &path, &name).value,
            server_certificate_name: name,
            path,
        };
        let account = ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.server_certificates()
                .update(account, &current.server_certificate_name, &update)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(certificate_arn(
            ctx,
            &self.server_certificate_name,
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.server_certificates()
                .delete(account, &self.server_certificate_name)
        })?;
        Ok(NoOutput)
    }
}
