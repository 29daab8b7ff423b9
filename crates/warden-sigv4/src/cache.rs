//! A bounded cache of derived SigV4 signing keys.

use std::collections::{HashMap, VecDeque};
use std::sync::{PoisonError, RwLock};

use aws_lc_rs::hmac;
use zeroize::Zeroizing;

use crate::CredentialScope;

/// Caches derived signing keys per (access key, date, region, service) so a
/// verification costs one HMAC instead of five.
///
/// Bounded: when full, the oldest entry is evicted. `Send + Sync`. An entry also
/// remembers the secret it was derived from and is only used when the caller's
/// secret matches (constant-time), so a rotated secret never verifies against a
/// stale key. Secrets are zeroized on drop; derived keys live in aws-lc HMAC
/// contexts, which aws-lc cleanses when freed.
pub struct SigningKeyCache {
    capacity: usize,
    inner: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry, foldhash::fast::RandomState>,
    insertion_order: VecDeque<String>,
}

struct Entry {
    secret: Zeroizing<Vec<u8>>,
    key: hmac::Key,
}

impl std::fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl SigningKeyCache {
    /// A cache holding at most `capacity` derived keys (0 disables caching).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: RwLock::new(Entries::default()),
        }
    }

    /// Number of cached keys.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }

    /// True when no key is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every cached key.
    pub fn clear(&self) {
        let mut entries = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        entries.map.clear();
        entries.insertion_order.clear();
    }

    /// HMAC-SHA256 of `message` under the signing key for `scope` and `secret`,
    /// deriving and caching the key on a miss.
    pub(crate) fn sign(&self, scope: &CredentialScope, secret: &[u8], message: &[u8]) -> hmac::Tag {
        let cached = KEY_BUFFER.with_borrow_mut(|buffer| {
            write_cache_key(buffer, scope);
            let entries = self.inner.read().unwrap_or_else(PoisonError::into_inner);
            entries
                .map
                .get(buffer.as_str())
                .filter(|entry| {
                    aws_lc_rs::constant_time::verify_slices_are_equal(&entry.secret, secret).is_ok()
                })
                .map(|entry| hmac::sign(&entry.key, message))
        });
        if let Some(tag) = cached {
            return tag;
        }
        let mut cache_key = String::new();
        write_cache_key(&mut cache_key, scope);
        let key = derive_signing_key(scope, secret);
        let tag = hmac::sign(&key, message);
        if self.capacity > 0 {
            self.insert(cache_key, secret, key);
        }
        tag
    }

    fn insert(&self, cache_key: String, secret: &[u8], key: hmac::Key) {
        let mut entries = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let entry = Entry {
            secret: Zeroizing::new(secret.to_vec()),
            key,
        };
        if entries.map.insert(cache_key.clone(), entry).is_some() {
            return;
        }
        entries.insertion_order.push_back(cache_key);
        while entries.map.len() > self.capacity {
            let Some(oldest) = entries.insertion_order.pop_front() else {
                break;
            };
            entries.map.remove(&oldest);
        }
    }
}

/// Writes `<key id>/<date>/<region>/<service>`, the cache key of a scope, into `key`.
fn write_cache_key(key: &mut String, scope: &CredentialScope) {
    key.clear();
    for (i, part) in [
        &scope.access_key_id,
        &scope.date,
        &scope.region,
        &scope.service,
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            key.push('/');
        }
        key.push_str(part);
    }
}

thread_local! {
    /// Per-thread buffer for the cache key of a lookup, so a cache hit allocates nothing.
    static KEY_BUFFER: std::cell::RefCell<String> = std::cell::RefCell::new(String::with_capacity(64));
}

fn derive_signing_key(scope: &CredentialScope, secret: &[u8]) -> hmac::Key {
    let mut initial = Zeroizing::new(Vec::with_capacity(secret.len() + 4));
    initial.extend_from_slice(b"AWS4");
    initial.extend_from_slice(secret);
    let mut key = hmac::Key::new(hmac::HMAC_SHA256, &initial);
    for part in [
        scope.date.as_bytes(),
        scope.region.as_bytes(),
        scope.service.as_bytes(),
        b"aws4_request",
    ] {
        let tag = hmac::sign(&key, part);
        key = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(akid: &str) -> CredentialScope {
        CredentialScope {
            access_key_id: akid.to_owned(),
            date: "20150830".to_owned(),
            region: "us-east-1".to_owned(),
            service: "iam".to_owned(),
        }
    }

    #[test]
    fn derives_the_documented_key() {
        // AWS docs example: signing key for 20150830/us-east-1/iam.
        let expected = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";
        let key = derive_signing_key(
            &scope("AKIDEXAMPLE"),
            b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        );
        // HMAC(kSigning, m) equals HMAC computed from the documented raw key.
        let raw = hex::decode(expected).unwrap();
        let documented = hmac::Key::new(hmac::HMAC_SHA256, &raw);
        assert_eq!(
            hmac::sign(&key, b"m").as_ref(),
            hmac::sign(&documented, b"m").as_ref()
        );
    }

    #[test]
    fn is_bounded_and_checks_the_secret() {
        let cache = SigningKeyCache::new(2);
        let a = cache.sign(&scope("A"), b"s1", b"m");
        cache.sign(&scope("B"), b"s1", b"m");
        cache.sign(&scope("C"), b"s1", b"m");
        assert_eq!(cache.len(), 2);
        // Same scope, other secret: must not reuse the cached key.
        let rotated = cache.sign(&scope("A"), b"s2", b"m");
        assert_ne!(a.as_ref(), rotated.as_ref());
        assert_eq!(cache.sign(&scope("A"), b"s1", b"m").as_ref(), a.as_ref());
        assert_eq!(cache.len(), 2);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn zero_capacity_never_caches() {
        let cache = SigningKeyCache::new(0);
        cache.sign(&scope("A"), b"s1", b"m");
        assert!(cache.is_empty());
    }

    #[test]
    fn is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SigningKeyCache>();
    }
}
