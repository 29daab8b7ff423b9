//! The last use of each access key (GetAccessKeyLastUsed, the credential report), noted in
//! memory as calls authenticate and written to the store in batches ([`KeyUses::flush`],
//! every few seconds and at shutdown), so that an authenticated call costs no store write.
//! Reads merge what is pending with what is stored. A crash loses at most the uses noted
//! since the last flush: a last-used time is a report, not a record anyone acknowledged.

use std::collections::HashMap;
use std::sync::Mutex;

use warden_store::{AccessKeyUse, Store, StoreError, StoreExt, Tx};

/// Uses noted since the last flush, by access key id.
#[derive(Debug, Default)]
pub(crate) struct KeyUses {
    pending: Mutex<HashMap<String, AccessKeyUse>>,
}

impl KeyUses {
    /// Notes a use of `access_key_id` (a later one replaces an earlier one).
    pub(crate) fn note(&self, access_key_id: &str, when: i64, service: &str, region: &str) {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match pending.get_mut(access_key_id) {
            Some(known) if known.when > when => {}
            Some(known) => {
                known.when = when;
                if known.service != service {
                    service.clone_into(&mut known.service);
                }
                if known.region != region {
                    region.clone_into(&mut known.region);
                }
            }
            None => {
                pending.insert(
                    access_key_id.to_owned(),
                    AccessKeyUse {
                        access_key_id: access_key_id.to_owned(),
                        when,
                        service: service.to_owned(),
                        region: region.to_owned(),
                    },
                );
            }
        }
    }

    /// The key's pending (not yet stored) last use, if any.
    pub(crate) fn pending(&self, access_key_id: &str) -> Option<AccessKeyUse> {
        self.pending
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(access_key_id)
            .cloned()
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
        let batch: Vec<AccessKeyUse> = {
            let mut pending = self
                .pending
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            pending.drain().map(|(_, known)| known).collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        match store.write(|tx| tx.access_keys().record_uses(&batch)) {
            Ok(()) => Ok(batch.len()),
            Err(error) => {
                for known in batch {
                    self.note(
                        &known.access_key_id,
                        known.when,
                        &known.service,
                        &known.region,
                    );
                }
                Err(error)
            }
        }
    }
}
