//! X.509 signing certificates of users and of the root user: UploadSigningCertificate,
//! ListSigningCertificates, UpdateSigningCertificate, DeleteSigningCertificate. Without
//! `UserName` these act on the caller's own certificates — the root user's when root calls.
//! Certificates are parsed and checked by [`warden_crypto::x509`]; they are public.

use warden_crypto::credentials;
use warden_crypto::x509::{self, CertificateError};
use warden_protocol::NoOutput;
use warden_protocol::iam::errors::{INVALID_CERTIFICATE, MALFORMED_CERTIFICATE};
use warden_protocol::iam::{
    DeleteSigningCertificateRequest, ListSigningCertificatesRequest,
    ListSigningCertificatesResponse, SigningCertificate, UpdateSigningCertificateRequest,
    UploadSigningCertificateRequest, UploadSigningCertificateResponse,
};
use warden_store::{AccessKeyStatus, SigningCertificateRecord};

use super::access_key::Owner;
use crate::iam::paging::page_of;
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for UploadSigningCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UploadSigningCertificateResponse, ServiceError> {
        let user_name = owner_name(call, self.user_name.as_deref())?;
        let ctx = call.ctx;
        let now = ctx.warden.now();
        let certificate = x509::parse_certificate(&self.certificate_body, now.as_second())
            .map_err(certificate_error)?;
        let record = SigningCertificateRecord {
            account_id: ctx.account().to_owned(),
            user_name,
            certificate_id: credentials::signing_certificate_id(ctx.warden.rng.as_ref())
                .map_err(|error| ServiceError::Internal(error.to_string()))?,
            certificate_body: self.certificate_body,
            digest: certificate.digest(),
            status: AccessKeyStatus::Active,
            upload_date: now.as_millisecond(),
        };
        call.write_outside_snapshot(|tx| tx.signing_certificates().upload(&record))?;
        Ok(UploadSigningCertificateResponse {
            certificate: shape(&record),
        })
    }
}

impl Handle for ListSigningCertificatesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListSigningCertificatesResponse, ServiceError> {
        let user_name = owner_name(call, self.user_name.as_deref())?;
        let account = call.ctx.account();
        let certificates = call.read(|tx| {
            tx.signing_certificates()
                .list(account, user_name.as_deref())
        })?;
        let shapes = certificates.iter().map(shape).collect();
        let (certificates, marker) = page_of(shapes, self.marker.as_deref(), self.max_items)?;
        Ok(ListSigningCertificatesResponse {
            certificates,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for UpdateSigningCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let status = AccessKeyStatus::parse(&self.status).ok_or_else(|| {
            ServiceError::InvalidInput(format!("Invalid status: {}", self.status))
        })?;
        let user_name = owner_name(call, self.user_name.as_deref())?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.signing_certificates().set_status(
                account,
                user_name.as_deref(),
                &self.certificate_id,
                status,
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteSigningCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user_name = owner_name(call, self.user_name.as_deref())?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.signing_certificates()
                .delete(account, user_name.as_deref(), &self.certificate_id)
        })?;
        Ok(NoOutput)
    }
}

/// The stored name of the user a call names (or the calling user); `None` for root.
fn owner_name(
    call: &Authorized<'_, '_>,
    given: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    match Owner::of(call.ctx, given)?.user_name {
        Some(name) => Ok(Some(find_user(call, &name)?.user_name)),
        None => Ok(None),
    }
}

/// The certificate as the API shows it (root's carry the account id as `UserName`).
fn shape(certificate: &SigningCertificateRecord) -> SigningCertificate {
    SigningCertificate {
        user_name: certificate
            .user_name
            .clone()
            .unwrap_or_else(|| certificate.account_id.clone()),
        certificate_id: certificate.certificate_id.clone(),
        certificate_body: certificate.certificate_body.clone(),
        status: certificate.status.as_str().to_owned(),
        upload_date: Some(timestamp(certificate.upload_date)),
    }
}

/// IAM's error for a refused certificate.
pub(crate) fn certificate_error(error: CertificateError) -> ServiceError {
    match error {
        CertificateError::Malformed | CertificateError::MalformedPrivateKey => {
            ServiceError::modeled(
                &MALFORMED_CERTIFICATE,
                "Unable to parse certificate. Please ensure the certificate is in PEM format.",
            )
        }
        CertificateError::Expired => ServiceError::modeled(
            &MALFORMED_CERTIFICATE,
            "Certificate is no longer valid. The 'Not After' date restriction on the certificate has passed.",
        ),
        CertificateError::UnsupportedKey => ServiceError::modeled(
            &INVALID_CERTIFICATE,
            "The certificate's public key algorithm is not supported.",
        ),
    }
}
