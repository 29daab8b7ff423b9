//! Server certificates: Upload/Get/List/Update/DeleteServerCertificate and their tags. A
//! server certificate is a PEM X.509 certificate, its private key and an optional chain,
//! checked by [`warden_crypto::x509`]. The private key is sealed before it is stored,
//! bound to the certificate's id, and no operation ever shows it; the model marks it
//! sensitive, so the audit record never holds it either.

mod operations;
mod tags;

use warden_crypto::x509::{self, Certificate, CertificateError};
use warden_protocol::Arn;
use warden_protocol::iam::errors::{KEY_PAIR_MISMATCH, MALFORMED_CERTIFICATE};
use warden_protocol::iam::{ServerCertificateMetadata, arn};
use warden_store::{ServerCertificateRecord, StoreExt};

use crate::operation::Authorized;
use crate::{Ctx, ServiceError, timestamp};

/// The sealer's associated data for a server certificate's private key: sealed keys are
/// bound to the certificate they belong to.
fn private_key_purpose(server_certificate_id: &str) -> Vec<u8> {
    format!("warden/iam/server-certificate/private-key/{server_certificate_id}").into_bytes()
}

/// The server certificate, or AWS's NoSuchEntity.
fn find_certificate(
    call: &Authorized<'_, '_>,
    name: &str,
) -> Result<ServerCertificateRecord, ServiceError> {
    call.read(|tx| tx.server_certificates().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "The Server Certificate with name {name} cannot be found."
            ))
        })
}

/// The ARN of a server certificate of the caller's account at this path.
fn new_certificate_arn(ctx: &Ctx<'_>, path: &str, name: &str) -> Arn {
    arn::server_certificate(
        ctx.partition(),
        ctx.account(),
        &format!("{}{name}", path.trim_start_matches('/')),
    )
}

/// The ARN of a server certificate for authorization: its real ARN (with its path) when it
/// exists, else the ARN it would have at path `/`. (Server certificates are not in the
/// snapshot: this reads the store.)
fn certificate_arn(ctx: &Ctx<'_>, name: &str) -> Result<Arn, ServiceError> {
    let stored = ctx
        .warden
        .store()
        .read(|tx| tx.server_certificates().get(ctx.account(), name))?;
    Ok(match stored {
        Some(certificate) => Arn {
            resource_type: &arn::SERVER_CERTIFICATE,
            value: certificate.arn,
        },
        None => new_certificate_arn(ctx, "/", name),
    })
}

/// A stored server certificate's metadata as the API shows it.
fn metadata(record: &ServerCertificateRecord) -> ServerCertificateMetadata {
    ServerCertificateMetadata {
        path: record.path.clone(),
        server_certificate_name: record.server_certificate_name.clone(),
        server_certificate_id: record.server_certificate_id.clone(),
        arn: record.arn.clone(),
        upload_date: Some(timestamp(record.upload_date)),
        expiration: Some(timestamp(record.expiration)),
    }
}

/// Checks an upload as IAM does: the body is one PEM certificate, valid now (`now` in epoch
/// seconds); the private key is the private half of its public key; the chain, if any, is
/// PEM certificates. Returns the parsed certificate.
fn check_upload(
    body: &str,
    private_key: &str,
    chain: Option<&str>,
    now: i64,
) -> Result<Certificate, ServiceError> {
    let certificate = x509::parse_certificate(body, now).map_err(certificate_error)?;
    match x509::private_key_matches(private_key, &certificate) {
        Ok(true) => {}
        Ok(false) => {
            return Err(ServiceError::modeled(
                &KEY_PAIR_MISMATCH,
                "The private key did not match the public key provided.",
            ));
        }
        Err(error) => return Err(certificate_error(error)),
    }
    if let Some(chain) = chain {
        x509::parse_chain(chain).map_err(|_| {
            ServiceError::modeled(
                &MALFORMED_CERTIFICATE,
                "Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.",
            )
        })?;
    }
    Ok(certificate)
}

/// IAM's error for a refused certificate body or private key (UploadServerCertificate
/// models no `InvalidCertificate`: an unsupported key type is malformed for it).
fn certificate_error(error: CertificateError) -> ServiceError {
    let message = match error {
        CertificateError::Malformed | CertificateError::UnsupportedKey => {
            "Unable to parse certificate. Please ensure the certificate is in PEM format."
        }
        CertificateError::Expired => {
            "Certificate is no longer valid. The 'Not After' date restriction on the certificate has passed."
        }
        CertificateError::MalformedPrivateKey => {
            "Unable to parse private key. Please ensure the private key is in PEM format."
        }
    };
    ServiceError::modeled(&MALFORMED_CERTIFICATE, message)
}
