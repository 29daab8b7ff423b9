//! Principals' last attempts to call each action (service last accessed reports).

use rusqlite::params;
use warden_store::{ServiceAccess, ServiceAccesses, StoreError};

use crate::tx::{SqliteTx, settle};

impl ServiceAccesses for SqliteTx<'_> {
    fn record(&self, accesses: &[ServiceAccess]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let mut record = connection.prepare_cached(
                "INSERT INTO service_accesses \
                 (principal_id, service, action, account_id, accessed_at, region) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (principal_id, service, action) DO UPDATE SET \
                 accessed_at = excluded.accessed_at, region = excluded.region \
                 WHERE excluded.accessed_at > accessed_at",
            )?;
            for access in accesses {
                record.execute(params![
                    access.principal_id,
                    access.service,
                    access.action,
                    access.account_id,
                    access.when,
                    access.region,
                ])?;
            }
            Ok(())
        })
    }

    fn of_principals(
        &self,
        account_id: &str,
        principal_ids: &[String],
    ) -> Result<Vec<ServiceAccess>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let mut select = connection.prepare_cached(
                "SELECT principal_id, service, action, account_id, accessed_at, region \
                 FROM service_accesses WHERE principal_id = ?1 AND account_id = ?2",
            )?;
            let mut found = Vec::new();
            for principal_id in principal_ids {
                let rows = select.query_map(params![principal_id, account_id], |row| {
                    Ok(ServiceAccess {
                        principal_id: row.get(0)?,
                        service: row.get(1)?,
                        action: row.get(2)?,
                        account_id: row.get(3)?,
                        when: row.get(4)?,
                        region: row.get(5)?,
                    })
                })?;
                for row in rows {
                    found.push(row?);
                }
            }
            Ok(found)
        })
    }
}
