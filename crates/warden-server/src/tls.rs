//! HTTPS on the listener (`warden serve --tls-cert FILE --tls-key FILE`): rustls with the
//! aws-lc-rs provider, HTTP/1.1 per accepted TLS stream, the same router and graceful
//! shutdown as plain HTTP.
//!
//! Each request served over TLS carries a [`Transport`] extension, from which the pipeline
//! sets `aws:SecureTransport`; plain HTTP requests carry none (not secure).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::Extensions;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// The certificate chain and private key `warden serve` presents (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first (`--tls-cert`, `WARDEN_TLS_CERT`).
    pub cert: PathBuf,
    /// The private key of the leaf: PKCS#8, PKCS#1 or SEC1 (`--tls-key`, `WARDEN_TLS_KEY`).
    pub key: PathBuf,
}

/// How a request reached the server: a request extension set on connections that serve TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transport {
    /// Whether the request came over TLS.
    pub(crate) tls: bool,
}

/// Whether the request with these extensions came over TLS (`aws:SecureTransport`).
pub(crate) fn secure_transport(extensions: &Extensions) -> bool {
    extensions
        .get::<Transport>()
        .is_some_and(|transport| transport.tls)
}

/// Why the TLS configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or holds no usable PEM object.
    #[error("cannot load the TLS {what} from {path}: {reason}")]
    File {
        /// `certificate` or `private key`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// rustls refused the pair (for example, the key does not match the certificate).
    #[error("the TLS certificate and key are unusable: {0}")]
    Config(#[from] rustls::Error),
}

/// Reads the PEM certificate chain and key and builds the acceptor (TLS 1.2 and 1.3, the
/// aws-lc-rs provider's safe defaults, ALPN `http/1.1`).
///
/// # Errors
///
/// [`TlsError`] when a file is missing, unreadable, holds no certificate or key, or the key
/// does not fit the certificate.
pub(crate) fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, TlsError> {
    let certs = load_certs(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|error| TlsError::File {
        what: "private key",
        path: files.key.clone(),
        reason: error.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let fail = |reason: String| TlsError::File {
        what: "certificate",
        path: path.to_path_buf(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|error| fail(error.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| fail(error.to_string()))?;
    if certs.is_empty() {
        return Err(fail("no PEM certificate in the file".to_owned()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests;
