//! The last attempt of each IAM user (and, with STS, each role) to call each action, noted
//! in memory as calls are authorized — allowed or denied, as AWS counts them — and written
//! to the store in batches ([`ServiceAccesses::flush`], every few seconds and at shutdown).
//! IAM's service last accessed reports read them. Noting an attempt already known (the
//! usual case) allocates nothing: one lock, two lookups, a time and a Region compared.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use warden_store::{ServiceAccess, Store, StoreError, Tx};

/// One principal's attempts noted since the last flush.
#[derive(Debug)]
struct Pending {
    /// The principal's account.
    account_id: String,
    /// By action (`service:Name`, from the operation table): when (epoch ms), and the
    /// Region.
    actions: HashMap<&'static str, (i64, String)>,
}

/// Attempts noted since the last flush, by principal id.
#[derive(Debug, Default)]
pub(crate) struct ServiceAccesses {
    pending: Mutex<HashMap<String, Pending>>,
}

impl ServiceAccesses {
    fn pending(&self) -> MutexGuard<'_, HashMap<String, Pending>> {
        self.pending
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Notes an attempt of `principal_id` (of `account_id`) to call `action`
    /// (`service:Name`) at `when` from `region`, unless a later one is noted.
    pub(crate) fn note(
        &self,
        account_id: &str,
        principal_id: &str,
        action: &'static str,
        when: i64,
        region: &str,
    ) {
        let mut pending = self.pending();
        let principal = match pending.get_mut(principal_id) {
            Some(principal) => principal,
            None => pending
                .entry(principal_id.to_owned())
                .or_insert_with(|| Pending {
                    account_id: account_id.to_owned(),
                    actions: HashMap::new(),
                }),
        };
        match principal.actions.get_mut(action) {
            Some((known, _)) if *known > when => {}
            Some((known, known_region)) => {
                *known = when;
                if known_region != region {
                    region.clone_into(known_region);
                }
            }
            None => {
                principal.actions.insert(action, (when, region.to_owned()));
            }
        }
    }

    /// The pending attempts of principals `wanted` selects, as records.
    fn select(&self, wanted: impl Fn(&str, &str) -> bool) -> Vec<ServiceAccess> {
        let pending = self.pending();
        let mut found = Vec::new();
        for (principal_id, principal) in pending.iter() {
            if wanted(&principal.account_id, principal_id) {
                found.extend(records(principal_id, principal));
            }
        }
        found
    }

    /// Every attempt of these principals: the stored ones (read through `tx`) with what is
    /// pending, the later of the two for each action.
    pub(crate) fn of_principals(
        &self,
        tx: &dyn Tx,
        account_id: &str,
        principal_ids: &[String],
    ) -> Result<Vec<ServiceAccess>, StoreError> {
        let stored = tx
            .service_accesses()
            .of_principals(account_id, principal_ids)?;
        let wanted: std::collections::HashSet<&str> =
            principal_ids.iter().map(String::as_str).collect();
        let pending =
            self.select(|account, principal| account == account_id && wanted.contains(principal));
        let mut latest: HashMap<(String, String, String), ServiceAccess> = HashMap::new();
        for access in stored.into_iter().chain(pending) {
            let key = (
                access.principal_id.clone(),
                access.service.clone(),
                access.action.clone(),
            );
            match latest.get(&key) {
                Some(known) if known.when >= access.when => {}
                _ => {
                    latest.insert(key, access);
                }
            }
        }
        Ok(latest.into_values().collect())
    }

    /// Writes the pending attempts in one transaction, with each role's last use
    /// (GetRole's `RoleLastUsed`: the role `role_name_of` names for a role id — none once the
    /// role is deleted or re-created); on failure they are kept. How many were written.
    pub(crate) fn flush(
        &self,
        store: &dyn Store,
        role_name_of: impl Fn(&str) -> Option<String>,
    ) -> Result<usize, StoreError> {
        let batch: Vec<(String, Pending)> = self.pending().drain().collect();
        let records: Vec<ServiceAccess> = batch
            .iter()
            .flat_map(|(principal_id, principal)| records(principal_id, principal))
            .collect();
        if records.is_empty() {
            return Ok(0);
        }
        let roles_used: Vec<(&str, String, i64, &str)> = batch
            .iter()
            .filter_map(|(principal_id, principal)| {
                let name = role_name_of(principal_id)?;
                let (when, region) = principal.actions.values().max_by_key(|(when, _)| *when)?;
                Some((principal.account_id.as_str(), name, *when, region.as_str()))
            })
            .collect();
        let written = warden_store::StoreExt::write(store, |tx| {
            tx.service_accesses().record(&records)?;
            for (account_id, role_name, when, region) in &roles_used {
                match tx.roles().record_use(account_id, role_name, *when, region) {
                    Ok(()) | Err(StoreError::NotFound { .. }) => {}
                    Err(error) => return Err(error),
                }
            }
            Ok(())
        });
        match written {
            Ok(()) => Ok(records.len()),
            Err(error) => {
                for (principal_id, principal) in batch {
                    for (action, (when, region)) in principal.actions {
                        self.note(&principal.account_id, &principal_id, action, when, &region);
                    }
                }
                Err(error)
            }
        }
    }
}

/// A principal's pending attempts as store records.
fn records<'p>(
    principal_id: &'p str,
    principal: &'p Pending,
) -> impl Iterator<Item = ServiceAccess> + 'p {
    principal
        .actions
        .iter()
        .filter_map(move |(action, (when, region))| {
            let (service, name) = action.split_once(':')?;
            Some(ServiceAccess {
                account_id: principal.account_id.clone(),
                principal_id: principal_id.to_owned(),
                service: service.to_owned(),
                action: name.to_owned(),
                when: *when,
                region: region.clone(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_attempt_per_action_is_kept() {
        let accesses = ServiceAccesses::default();
        accesses.note("111122223333", "AIDA1", "iam:GetUser", 200, "us-east-1");
        accesses.note("111122223333", "AIDA1", "iam:GetUser", 100, "eu-west-1");
        accesses.note("111122223333", "AIDA1", "iam:GetUser", 300, "ap-south-1");
        accesses.note("111122223333", "AIDA1", "kms:Decrypt", 50, "us-east-1");
        accesses.note("444455556666", "AIDA2", "iam:GetUser", 400, "us-east-1");
        let mut mine = accesses.select(|account, _| account == "111122223333");
        mine.sort_by(|a, b| a.action.cmp(&b.action));
        assert_eq!(mine.len(), 2);
        assert_eq!((mine[0].service.as_str(), mine[0].when), ("kms", 50));
        assert_eq!((mine[1].action.as_str(), mine[1].when), ("GetUser", 300));
        assert_eq!(mine[1].region, "ap-south-1");
    }
}
