//! The last use of each access key (GetAccessKeyLastUsed, the credential report), noted in
//! memory as calls authenticate and written to the store in batches ([`KeyUses::flush`],
//! every few seconds and at shutdown; see [`Latest`]). Reads merge what is pending with
//! what is stored.

use warden_store::{AccessKeyUse, Store, StoreError, Tx};

use crate::latest::Latest;

/// Uses noted since the last flush, by access key id.
#[derive(Debug, Default)]
pub(crate) struct KeyUses {
    pending: Latest<String, AccessKeyUse>,
}

impl KeyUses {
    /// Notes a use of `access_key_id` (a later one replaces an earlier one).
    pub(crate) fn note(&self, access_key_id: &str, when: i64, service: &str, region: &str) {
        self.pending.note(
            access_key_id.to_owned(),
            AccessKeyUse {
                access_key_id: access_key_id.to_owned(),
                when,
                service: service.to_owned(),
                region: region.to_owned(),
            },
        );
    }

    /// The key's pending (not yet stored) last use, if any.
    pub(crate) fn pending(&self, access_key_id: &str) -> Option<AccessKeyUse> {
        self.pending.get(access_key_id)
    }

    /// The key's last use: the pending one, else the one stored (read through `tx`).
    pub(crate) fn last_used(
        &self,
        tx: &dyn Tx,
        access_key_id: &str,
    ) -> Result<Option<AccessKeyUse>, StoreError> {
        match self.pending(access_key_id) {
            Some(known) => Ok(Some(known)),
            None => tx.access_keys().last_used(access_key_id),
        }
    }

    /// Writes the pending uses in one transaction; on failure they are kept for the next.
    pub(crate) fn flush(&self, store: &dyn Store) -> Result<usize, StoreError> {
        self.pending.flush(
            store,
            |used| used.access_key_id.clone(),
            |tx, batch| tx.access_keys().record_uses(batch),
        )
    }
}
