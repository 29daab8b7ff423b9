//! Warden's own JWT signing keys, for GetWebIdentityToken: one RSA 2048 key (`RS256`) and
//! one P-384 key (`ES384`), the two algorithms the model offers. Each is generated on first
//! start, its PKCS #8 sealed with the deployment's [`Sealer`] (the key's name as associated
//! data) and kept as a wrapped key, as the digest signing key is (`digest_key.rs`); the
//! first node to store one wins. Their public halves are the issuer's JWKS.

use aws_lc_rs::encoding::AsDer as _;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};
use warden_crypto::Sealer;
use warden_store::{Store, StoreError, StoreExt as _, WrappedKeyRecord};

/// Why a signing key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TokenKeyError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The sealed key does not open, or cannot be sealed.
    #[error("the web identity token signing key cannot be sealed or opened: {0}")]
    Crypto(#[from] warden_crypto::CryptoError),
    /// The key could not be generated or read.
    #[error("the web identity token signing key is unusable: {0}")]
    Key(String),
}

/// One signing key: what signs, and the public JWK (with its `kid`) that verifies.
pub(crate) struct TokenKey {
    /// The private key.
    pub(crate) encoding: EncodingKey,
    /// The public key as published, its `kid` the key's JWK thumbprint.
    pub(crate) jwk: Jwk,
}

/// Both signing keys.
pub(crate) struct TokenKeys {
    rs256: TokenKey,
    es384: TokenKey,
}

impl TokenKeys {
    /// The key for `algorithm` (`RS256` or `ES384`).
    pub(crate) fn for_algorithm(&self, algorithm: Algorithm) -> Option<&TokenKey> {
        match algorithm {
            Algorithm::RS256 => Some(&self.rs256),
            Algorithm::ES384 => Some(&self.es384),
            _ => None,
        }
    }

    /// The issuer's JSON Web Key Set.
    pub(crate) fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.rs256.jwk.clone(), self.es384.jwk.clone()],
        }
    }
}

/// The wrapped-key names (also the sealing associated data).
const RS256_NAME: &str = "sts-web-identity-token-rs256";
const ES384_NAME: &str = "sts-web-identity-token-es384";

/// Loads both keys, or generates, seals and stores the missing ones.
///
/// # Errors
///
/// [`TokenKeyError`] when the store fails, a sealed key does not open, or generation fails.
pub(crate) fn load_or_create(
    store: &dyn Store,
    sealer: &Sealer,
    now: jiff::Timestamp,
) -> Result<TokenKeys, TokenKeyError> {
    Ok(TokenKeys {
        rs256: load_or_create_one(store, sealer, now, RS256_NAME, Algorithm::RS256)?,
        es384: load_or_create_one(store, sealer, now, ES384_NAME, Algorithm::ES384)?,
    })
}

fn load_or_create_one(
    store: &dyn Store,
    sealer: &Sealer,
    now: jiff::Timestamp,
    name: &str,
    algorithm: Algorithm,
) -> Result<TokenKey, TokenKeyError> {
    let stored = match store.read(|tx| tx.wrapped_keys().get(name))? {
        Some(record) => record,
        None => {
            let pkcs8 = zeroize::Zeroizing::new(generate(algorithm)?);
            let record = WrappedKeyRecord {
                name: name.to_owned(),
                wrapped: sealer.seal(&pkcs8, name.as_bytes())?,
                create_date: now.as_millisecond(),
            };
            match store.write(|tx| tx.wrapped_keys().create(&record)) {
                Ok(()) => record,
                // Another node stored its key first: use that one.
                Err(StoreError::AlreadyExists { .. }) => store
                    .read(|tx| tx.wrapped_keys().get(name))?
                    .ok_or_else(|| TokenKeyError::Key("vanished after a conflict".to_owned()))?,
                Err(error) => return Err(error.into()),
            }
        }
    };
    let pkcs8 = zeroize::Zeroizing::new(sealer.open(&stored.wrapped, name.as_bytes())?);
    key_from_pkcs8(&pkcs8, algorithm)
}

/// A new private key for `algorithm`, as PKCS #8 DER (aws-lc-rs's own RNG, as for the
/// digest signing key).
fn generate(algorithm: Algorithm) -> Result<Vec<u8>, TokenKeyError> {
    let failed = |what: &str| TokenKeyError::Key(format!("{what} key generation failed"));
    match algorithm {
        Algorithm::RS256 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|_| failed("RSA"))?;
            let der = pair.as_der().map_err(|_| failed("RSA"))?;
            Ok(der.as_ref().to_vec())
        }
        _ => {
            let document = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(
                &aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                &aws_lc_rs::rand::SystemRandom::new(),
            )
            .map_err(|_| failed("ECDSA"))?;
            Ok(document.as_ref().to_vec())
        }
    }
}

fn key_from_pkcs8(pkcs8: &[u8], algorithm: Algorithm) -> Result<TokenKey, TokenKeyError> {
    let unusable = |error: jsonwebtoken::errors::Error| TokenKeyError::Key(error.to_string());
    let encoding = match algorithm {
        // jsonwebtoken signs with a PKCS #1 RSA key; its PEM reader unwraps PKCS #8.
        Algorithm::RS256 => {
            let pem =
                zeroize::Zeroizing::new(pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.to_vec())));
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(unusable)?
        }
        _ => EncodingKey::from_ec_der(pkcs8),
    };
    let mut jwk = Jwk::from_encoding_key(&encoding, algorithm).map_err(unusable)?;
    jwk.common.key_id = Some(jwk.thumbprint(ThumbprintHash::SHA256).map_err(unusable)?);
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Ok(TokenKey { encoding, jwk })
}
