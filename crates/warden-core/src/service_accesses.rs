//! The last attempt of each IAM user (and, with STS, each role) to call each action, noted
//! in memory as calls are authorized — allowed or denied, as AWS counts them — and written
//! to the store in batches ([`ServiceAccesses::flush`], every few seconds and at shutdown;
//! see [`Latest`]). IAM's service last accessed reports read them.

use warden_store::{ServiceAccess, Store, StoreError, Tx};

use crate::latest::Latest;

/// (principal id, service prefix, action name).
type Key = (String, String, String);

/// Attempts noted since the last flush.
#[derive(Debug, Default)]
pub(crate) struct ServiceAccesses {
    pending: Latest<Key, ServiceAccess>,
}

impl ServiceAccesses {
    /// Notes an attempt of `principal_id` (of `account_id`) to call `action`
    /// (`service:Name`) at `when` from `region`.
    pub(crate) fn note(
        &self,
        account_id: &str,
        principal_id: &str,
        action: &str,
        when: i64,
        region: &str,
    ) {
        let Some((service, name)) = action.split_once(':') else {
            return;
        };
        self.pending.note(
            (principal_id.to_owned(), service.to_owned(), name.to_owned()),
            ServiceAccess {
                account_id: account_id.to_owned(),
                principal_id: principal_id.to_owned(),
                service: service.to_owned(),
                action: name.to_owned(),
                when,
                region: region.to_owned(),
            },
        );
    }

    /// Every attempt of these principals: the stored ones (read through `tx`) with what is
    /// pending, the later of the two for each action.
    pub(crate) fn of_principals(
        &self,
        tx: &dyn Tx,
        account_id: &str,
        principal_ids: &[String],
    ) -> Result<Vec<ServiceAccess>, StoreError> {
        let mut latest = std::collections::HashMap::new();
        let stored = tx
            .service_accesses()
            .of_principals(account_id, principal_ids)?;
        let wanted: std::collections::HashSet<&str> =
            principal_ids.iter().map(String::as_str).collect();
        let pending = self.pending.select(|access| {
            access.account_id == account_id && wanted.contains(access.principal_id.as_str())
        });
        for access in stored.into_iter().chain(pending) {
            let key = (
                access.principal_id.clone(),
                access.service.clone(),
                access.action.clone(),
            );
            match latest.get(&key) {
                Some(known) if crate::latest::Timed::when(known) >= access.when => {}
                _ => {
                    latest.insert(key, access);
                }
            }
        }
        Ok(latest.into_values().collect())
    }

    /// Writes the pending attempts in one transaction; on failure they are kept.
    pub(crate) fn flush(&self, store: &dyn Store) -> Result<usize, StoreError> {
        self.pending.flush(
            store,
            |access| {
                (
                    access.principal_id.clone(),
                    access.service.clone(),
                    access.action.clone(),
                )
            },
            |tx, batch| tx.service_accesses().record(batch),
        )
    }
}
