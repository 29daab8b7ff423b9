//! Loading, or creating and storing, the digest signing key ([`DigestKeys`]).
//!
//! The key is generated on first use, its PKCS#8 sealed with the deployment's [`Sealer`]
//! (AAD [`DIGEST_KEY_NAME`]) and stored as a wrapped key under [`DIGEST_KEY_NAME`], with its
//! creation time in milliseconds; the first node to store it wins and every other node
//! loads that one.

use jiff::Timestamp;
use warden_audit::digest::{DigestError, DigestKeys};
use warden_crypto::{CryptoError, Sealer};
use warden_store::StoreExt;
use warden_store::{Store, StoreError, WrappedKeyRecord};

/// The wrapped-key name of the digest signing key (also the sealing AAD).
pub const DIGEST_KEY_NAME: &str = "cloudtrail-digest-signing-key";

/// Why the digest key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The sealed key does not open (wrong data key) or cannot be sealed.
    #[error("the digest signing key cannot be sealed or opened: {0}")]
    Crypto(#[from] CryptoError),
    /// The key could not be generated or was rejected.
    #[error(transparent)]
    Digest(#[from] DigestError),
    /// The stored creation time is not a valid timestamp.
    #[error("the digest signing key has an invalid creation time")]
    CreationTime,
}

/// Loads the stored key, or generates, seals and stores one (`now` is its creation time).
/// If another node stores its key first, that one is loaded and used.
///
/// # Errors
///
/// [`KeyError`] if the store fails, the sealed key does not open with `sealer`, or RSA key
/// generation fails.
pub fn load_or_create(
    store: &dyn Store,
    sealer: &Sealer,
    now: Timestamp,
) -> Result<DigestKeys, KeyError> {
    if let Some(record) = store.read(|tx| tx.wrapped_keys().get(DIGEST_KEY_NAME))? {
        return open(&record, sealer);
    }
    let (keys, pkcs8) = DigestKeys::generate(now)?;
    let sealed = sealer.seal(&pkcs8, DIGEST_KEY_NAME.as_bytes())?;
    match store.write(|tx| {
        tx.wrapped_keys().create(&WrappedKeyRecord {
            name: DIGEST_KEY_NAME.to_owned(),
            wrapped: sealed,
            create_date: now.as_millisecond(),
        })
    }) {
        Ok(()) => Ok(keys),
        Err(StoreError::AlreadyExists { .. }) => {
            let record = store
                .read(|tx| tx.wrapped_keys().get(DIGEST_KEY_NAME))?
                .ok_or_else(|| {
                    StoreError::Backend("the digest key vanished after a conflict".to_owned())
                })?;
            open(&record, sealer)
        }
        Err(error) => Err(error.into()),
    }
}

fn open(record: &WrappedKeyRecord, sealer: &Sealer) -> Result<DigestKeys, KeyError> {
    let pkcs8 = sealer.open(&record.wrapped, DIGEST_KEY_NAME.as_bytes())?;
    let created =
        Timestamp::from_millisecond(record.create_date).map_err(|_| KeyError::CreationTime)?;
    Ok(DigestKeys::from_pkcs8(&pkcs8, created)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use warden_crypto::{DataKey, DeterministicRandom, Sealer, SecureRandom};
    use warden_store::StoreExt;
    use warden_store_sqlite::SqliteStore;

    use super::{DIGEST_KEY_NAME, KeyError, load_or_create};

    fn sealer(seed: u64) -> Sealer {
        let rng: Arc<dyn SecureRandom> = Arc::new(DeterministicRandom::new(seed));
        Sealer::new(&DataKey::generate(rng.as_ref()).unwrap(), rng).unwrap()
    }

    #[test]
    fn the_first_key_is_stored_sealed_and_reloaded() {
        let store = SqliteStore::open_in_memory().unwrap();
        let sealer = sealer(1);
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let first = load_or_create(&store, &sealer, now).unwrap();
        let stored = store
            .read(|tx| tx.wrapped_keys().get(DIGEST_KEY_NAME))
            .unwrap()
            .unwrap();
        let der = first.public_keys()[0].der.clone();
        assert!(
            !stored
                .wrapped
                .windows(16)
                .any(|w| der.windows(16).any(|d| d == w))
        );
        let later = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let again = load_or_create(&store, &sealer, later).unwrap();
        assert_eq!(again.public_keys(), first.public_keys());
        let info = &again.public_keys()[0];
        assert_eq!(info.valid_from, now);
        assert_eq!(
            info.fingerprint,
            warden_audit::digest::fingerprint(&info.der)
        );
        assert_eq!(again.signing_key().fingerprint(), info.fingerprint);
        // Another data key cannot open it: fail closed, never a silent new key.
        assert!(matches!(
            load_or_create(&store, &self::sealer(2), later),
            Err(KeyError::Crypto(_))
        ));
    }
}
