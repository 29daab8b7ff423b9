//! IAM server certificates: an X.509 certificate (with its optional chain) and its private
//! key, for services that terminate TLS. Plain data; the private key only ever sealed.

use std::fmt;

/// AWS's default quota of server certificates in one account (`ServerCertificatesQuota`).
pub const SERVER_CERTIFICATES_PER_ACCOUNT: usize = 20;

/// One server certificate of an account.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerCertificateRecord {
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account; spelled as uploaded.
    pub server_certificate_name: String,
    /// The id (`ASCA…`), unique across all accounts.
    pub server_certificate_id: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// `arn:aws:iam::ACCOUNT:server-certificate{path}{name}`.
    pub arn: String,
    /// The PEM certificate as uploaded.
    pub certificate_body: String,
    /// The PEM chain as uploaded, if one was.
    pub certificate_chain: Option<String>,
    /// The sealed PEM private key (never shown by any operation).
    pub private_key_sealed: Vec<u8>,
    /// When it was uploaded (epoch milliseconds).
    pub upload_date: i64,
    /// The certificate's `notAfter` (epoch milliseconds).
    pub expiration: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

impl fmt::Debug for ServerCertificateRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerCertificateRecord")
            .field("account_id", &self.account_id)
            .field("server_certificate_name", &self.server_certificate_name)
            .field("server_certificate_id", &self.server_certificate_id)
            .field("path", &self.path)
            .field("upload_date", &self.upload_date)
            .field("expiration", &self.expiration)
            .field("tags", &self.tags)
            .finish_non_exhaustive()
    }
}

/// The new name, path and ARN of a server certificate (`UpdateServerCertificate`); each may
/// equal the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCertificateUpdate {
    /// The new name.
    pub server_certificate_name: String,
    /// The new path.
    pub path: String,
    /// The new ARN (derived by the caller from the new path and name).
    pub arn: String,
}
