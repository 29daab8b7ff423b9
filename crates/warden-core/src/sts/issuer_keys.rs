//! OpenID Connect issuers' signing keys, for AssumeRoleWithWebIdentity.
//!
//! An issuer's JSON Web Key Set is fetched from the `jwks_uri` of its discovery document
//! (`<issuer>/.well-known/openid-configuration`) by a [`KeySetFetcher`] the server supplies
//! (warden-core knows no HTTP), parsed with `jsonwebtoken`, and kept for [`FRESH_FOR`]. A
//! token whose `kid` the cached set lacks refetches the set, at most once per
//! [`REFETCH_AFTER`] per issuer (an issuer rotating its keys is seen at once; a flood of
//! made-up `kid`s costs one fetch a minute). The cache is bounded ([`CAPACITY`] issuers).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;

/// How long a fetched key set is used without asking the issuer again.
const FRESH_FOR: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);
/// How soon an unknown `kid` may refetch an issuer's key set.
const REFETCH_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(1);
/// How many issuers' key sets are kept; when full, the cache starts over.
const CAPACITY: usize = 256;

/// Why an issuer's key set could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The issuer (or its JWKS endpoint) could not be reached, timed out, or answered
    /// something other than a success (AWS's `IDPCommunicationError`).
    #[error("the identity provider could not be reached: {0}")]
    Unreachable(String),
    /// The issuer answered, but its discovery document or key set is unusable.
    #[error("the identity provider's keys are unusable: {0}")]
    Unusable(String),
}

/// Fetches an issuer's JSON Web Key Set document: the server's HTTP client.
pub trait KeySetFetcher: Send + Sync {
    /// The raw JWKS document of `issuer` (the token's `iss`, a URL), found through its
    /// discovery document. Blocking; called off the async workers.
    ///
    /// # Errors
    ///
    /// [`FetchError`] when it cannot be fetched.
    fn fetch_key_set(&self, issuer: &str) -> Result<Vec<u8>, FetchError>;
}

/// Why no key verifies a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyError {
    /// The issuer could not be asked.
    Unreachable,
    /// The issuer has no usable key with that id.
    NoKey,
}

struct CachedSet {
    keys: Arc<JwkSet>,
    fetched_at: jiff::Timestamp,
}

/// The issuers' key sets, fetched on demand and cached with expiry.
#[derive(Default)]
pub(crate) struct IssuerKeys {
    fetcher: OnceLock<Arc<dyn KeySetFetcher>>,
    sets: RwLock<HashMap<String, CachedSet>>,
}

impl IssuerKeys {
    /// Uses `fetcher` from now on; the first one set stays.
    pub(crate) fn set_fetcher(&self, fetcher: Arc<dyn KeySetFetcher>) {
        // A second call (the same server building its router twice) changes nothing.
        let _ = self.fetcher.set(fetcher);
    }

    /// The key `issuer` signs with under `kid` (`None`: the set's only key), fetching the
    /// issuer's set when it is not cached, stale, or lacks `kid`.
    pub(crate) fn key(
        &self,
        issuer: &str,
        kid: Option<&str>,
        now: jiff::Timestamp,
    ) -> Result<DecodingKey, KeyError> {
        let cached = {
            let sets = self.sets.read().unwrap_or_else(PoisonError::into_inner);
            sets.get(issuer)
                .map(|set| (Arc::clone(&set.keys), set.fetched_at))
        };
        if let Some((keys, fetched_at)) = &cached {
            let age = now.duration_since(*fetched_at);
            if age < FRESH_FOR {
                match find(keys, kid) {
                    Some(key) => return Ok(key),
                    None if age < REFETCH_AFTER => return Err(KeyError::NoKey),
                    None => {}
                }
            }
        }
        let keys = self.fetch(issuer, now)?;
        find(&keys, kid).ok_or(KeyError::NoKey)
    }

    fn fetch(&self, issuer: &str, now: jiff::Timestamp) -> Result<Arc<JwkSet>, KeyError> {
        let fetcher = self.fetcher.get().ok_or(KeyError::Unreachable)?;
        let document = fetcher.fetch_key_set(issuer).map_err(|error| {
            tracing::info!(%issuer, %error, "identity provider key set not fetched");
            match error {
                FetchError::Unreachable(_) => KeyError::Unreachable,
                FetchError::Unusable(_) => KeyError::NoKey,
            }
        })?;
        let keys: JwkSet = serde_json::from_slice(&document).map_err(|error| {
            tracing::info!(%issuer, %error, "identity provider key set unparseable");
            KeyError::NoKey
        })?;
        let keys = Arc::new(keys);
        let mut sets = self.sets.write().unwrap_or_else(PoisonError::into_inner);
        if sets.len() >= CAPACITY && !sets.contains_key(issuer) {
            sets.clear();
        }
        sets.insert(
            issuer.to_owned(),
            CachedSet {
                keys: Arc::clone(&keys),
                fetched_at: now,
            },
        );
        Ok(keys)
    }
}

/// The key of `set` with this `kid`; without a `kid`, the set's only key.
fn find(set: &JwkSet, kid: Option<&str>) -> Option<DecodingKey> {
    let jwk = match kid {
        Some(kid) => set.find(kid)?,
        None => match set.keys.as_slice() {
            [only] => only,
            _ => return None,
        },
    };
    DecodingKey::from_jwk(jwk).ok()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use jsonwebtoken::jwk::Jwk;
    use jsonwebtoken::{Algorithm, EncodingKey};

    use super::*;

    /// A fetcher answering a fixed key set and counting its fetches.
    struct Counting {
        document: Vec<u8>,
        fetches: AtomicUsize,
    }

    impl KeySetFetcher for Counting {
        fn fetch_key_set(&self, _issuer: &str) -> Result<Vec<u8>, FetchError> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            Ok(self.document.clone())
        }
    }

    fn jwk(kid: &str) -> Jwk {
        let pkcs8 = aws_lc_rs::signature::EcdsaKeyPair::generate_pkcs8(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &aws_lc_rs::rand::SystemRandom::new(),
        )
        .unwrap();
        let mut jwk =
            Jwk::from_encoding_key(&EncodingKey::from_ec_der(pkcs8.as_ref()), Algorithm::ES256)
                .unwrap();
        jwk.common.key_id = Some(kid.to_owned());
        jwk
    }

    #[test]
    fn key_sets_are_cached_and_unknown_kids_refetch_at_most_once_a_minute() {
        let fetcher = Arc::new(Counting {
            document: serde_json::to_vec(&JwkSet {
                keys: vec![jwk("a")],
            })
            .unwrap(),
            fetches: AtomicUsize::new(0),
        });
        let keys = IssuerKeys::default();
        let start = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let at = |seconds: i64| start + jiff::SignedDuration::from_secs(seconds);
        let issuer = "https://issuer.example";
        assert!(matches!(
            keys.key(issuer, Some("a"), start),
            Err(KeyError::Unreachable)
        ));
        keys.set_fetcher(Arc::clone(&fetcher) as Arc<dyn KeySetFetcher>);
        let fetches = || fetcher.fetches.load(Ordering::SeqCst);
        assert!(keys.key(issuer, Some("a"), start).is_ok());
        assert!(keys.key(issuer, None, at(5)).is_ok(), "the only key");
        assert_eq!(fetches(), 1);
        assert_eq!(
            keys.key(issuer, Some("b"), at(30)).err(),
            Some(KeyError::NoKey)
        );
        assert_eq!(
            fetches(),
            1,
            "an unknown kid within a minute does not refetch"
        );
        assert_eq!(
            keys.key(issuer, Some("b"), at(61)).err(),
            Some(KeyError::NoKey)
        );
        assert_eq!(fetches(), 2, "after a minute it does");
        assert!(keys.key(issuer, Some("a"), at(61 + 599)).is_ok());
        assert_eq!(fetches(), 2);
        assert!(keys.key(issuer, Some("a"), at(61 + 600)).is_ok());
        assert_eq!(fetches(), 3, "a stale set is fetched again");
    }
}
