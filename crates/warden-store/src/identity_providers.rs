//! IAM identity providers: OpenID Connect providers (web identity federation) and SAML 2.0
//! providers. Plain data; what a later `AssumeRoleWithWebIdentity` or `AssumeRoleWithSAML`
//! needs is kept already parsed (a SAML provider's issuer and signing certificates); a SAML
//! provider's assertion decryption keys only ever sealed.

use std::fmt;

/// AWS's quota of OpenID Connect providers in one account.
pub const OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT: usize = 100;

/// AWS's quota of client ids (audiences) of one OpenID Connect provider.
pub const CLIENT_IDS_PER_OPEN_ID_CONNECT_PROVIDER: usize = 100;

/// AWS's quota of thumbprints of one OpenID Connect provider.
pub const THUMBPRINTS_PER_OPEN_ID_CONNECT_PROVIDER: usize = 5;

/// AWS's quota of SAML providers in one account.
pub const SAML_PROVIDERS_PER_ACCOUNT: usize = 100;

/// AWS's quota of assertion decryption keys of one SAML provider.
pub const PRIVATE_KEYS_PER_SAML_PROVIDER: usize = 2;

/// One OpenID Connect provider of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIdConnectProviderRecord {
    /// The owning account.
    pub account_id: String,
    /// The issuer URL without its `https://` scheme (`host/path`), unique (byte-wise)
    /// within the account; the ARN's resource name.
    pub url: String,
    /// `arn:aws:iam::ACCOUNT:oidc-provider/{url}`.
    pub arn: String,
    /// The client ids (audiences), in the order added, without duplicates.
    pub client_ids: Vec<String>,
    /// The thumbprints (40 hex digits each), in the order given.
    pub thumbprints: Vec<String>,
    /// When it was created (epoch milliseconds).
    pub create_date: i64,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

/// The new client ids and thumbprints of an OpenID Connect provider; each may equal the
/// current list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIdConnectProviderUpdate {
    /// The client ids.
    pub client_ids: Vec<String>,
    /// The thumbprints.
    pub thumbprints: Vec<String>,
}

/// One SAML provider of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProviderRecord {
    /// The owning account.
    pub account_id: String,
    /// The name, unique case-insensitively within the account; spelled as created.
    pub name: String,
    /// `arn:aws:iam::ACCOUNT:saml-provider/{name}`.
    pub arn: String,
    /// Its `SAMLProviderUUID`.
    pub uuid: String,
    /// When it was created (epoch milliseconds).
    pub create_date: i64,
    /// The metadata and what was read from it.
    pub metadata: SamlMetadata,
    /// Its assertion encryption setting and keys.
    pub encryption: SamlEncryption,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

/// A SAML provider's assertion encryption: its `AssertionEncryptionMode` and the private
/// keys that decrypt its assertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamlEncryption {
    /// `Required` or `Allowed`, once set.
    pub mode: Option<String>,
    /// The keys, oldest first (at most [`PRIVATE_KEYS_PER_SAML_PROVIDER`]).
    pub private_keys: Vec<SamlPrivateKey>,
}

/// One assertion decryption key of a SAML provider; the key itself only ever sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct SamlPrivateKey {
    /// Its `KeyId`.
    pub key_id: String,
    /// The sealed PEM private key (never shown by any operation).
    pub private_key_sealed: Vec<u8>,
    /// When it was added (epoch milliseconds).
    pub upload_date: i64,
}

impl fmt::Debug for SamlPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SamlPrivateKey")
            .field("key_id", &self.key_id)
            .field("upload_date", &self.upload_date)
            .finish_non_exhaustive()
    }
}

/// A SAML provider's metadata document as uploaded and what was read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlMetadata {
    /// The document as uploaded.
    pub document: String,
    /// The IdP's `entityID` (the issuer of its assertions).
    pub entity_id: String,
    /// The IdP's signing certificates (DER, base64 without line breaks), in document order.
    pub signing_certificates: Vec<String>,
    /// Until when the provider is valid (epoch milliseconds): the metadata's `validUntil`,
    /// else as AWS sets it.
    pub valid_until: i64,
}
